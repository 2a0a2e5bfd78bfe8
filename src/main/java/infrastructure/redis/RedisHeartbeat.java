package infrastructure.redis;

import application.StoreBudget;
import domain.store.StorePulse;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The store budgets' heartbeat on Redis: one PING at a time, on a connection of its own that it keeps
 * open, so that asking waits behind no queued call; each PONG is recorded on the {@link StorePulse}.
 * It holds one connection of the pool for as long as the service runs, as a subscription does.
 *
 * <p>The connection is made at start. Lost (closed, failed, or a PING unanswered for
 * {@link #GIVE_UP}), it is let go and another is asked of the pool, in the background: a beat without
 * a connection sends nothing, and the budget then judges by the calls' own answers, as it would without
 * a heartbeat.
 */
public final class RedisHeartbeat implements StoreBudget.Heartbeat {

    /** A PING unanswered this long is given up, and its connection with it. */
    static final Duration GIVE_UP = Duration.ofSeconds(5);

    private final ReactiveRedisDataSource redis;
    private final StorePulse pulse;
    private final AtomicBoolean beating = new AtomicBoolean();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicReference<RedisConnection> connection = new AtomicReference<>();
    private volatile boolean closed;

    public RedisHeartbeat(ReactiveRedisDataSource redis, StorePulse pulse) {
        this.redis = redis;
        this.pulse = pulse;
        connect();
    }

    @Override
    public void beat() {
        RedisConnection held = connection.get();
        if (held == null) {
            connect();
            return;
        }
        if (closed || !beating.compareAndSet(false, true)) {
            return;
        }
        held.send(Request.cmd(Command.PING)).ifNoItem().after(GIVE_UP).fail()
                .subscribe().with(pong -> {
                    pulse.answered();
                    beating.set(false);
                }, failure -> {
                    drop(held);
                    beating.set(false);
                });
    }

    /** Asks the pool for a connection, unless one is held or asked for; never cancelled, so none is left unaccounted for. */
    private void connect() {
        if (closed || connection.get() != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        redis.getRedis().connect().subscribe().with(made -> {
            made.exceptionHandler(failure -> drop(made));
            made.endHandler(() -> drop(made));
            if (!connection.compareAndSet(null, made)) {
                RedisConnections.discard(made);
            } else if (closed) {
                drop(made);
            }
            connecting.set(false);
        }, failure -> connecting.set(false));
    }

    /** Lets {@code lost} go if it is still the one held; a later event of an older connection leaves a newer one alone. */
    private void drop(RedisConnection lost) {
        if (connection.compareAndSet(lost, null)) {
            RedisConnections.discard(lost);
        }
    }

    /** Lets its connection go; later beats send nothing. */
    public void close() {
        closed = true;
        RedisConnection held = connection.get();
        if (held != null) {
            drop(held);
        }
    }
}
