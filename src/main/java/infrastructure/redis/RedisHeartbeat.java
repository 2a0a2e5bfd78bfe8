package infrastructure.redis;

import application.StoreBudget;
import domain.store.StorePulse;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The store budgets' heartbeat on Redis: one PING at a time, on a connection of its own that it keeps
 * open (made at start, and again after it is lost), so that asking needs no handshake and waits behind
 * no queued call; each PONG is recorded on the {@link StorePulse}. It holds one connection of the pool
 * for as long as the service runs, as a subscription does.
 */
public final class RedisHeartbeat implements StoreBudget.Heartbeat {

    /** A PING unanswered this long is given up, and its connection with it: the next beat makes another. */
    private static final Duration GIVE_UP = Duration.ofSeconds(5);

    private final ReactiveRedisDataSource redis;
    private final StorePulse pulse;
    private final AtomicBoolean beating = new AtomicBoolean();
    private final AtomicReference<RedisConnection> connection = new AtomicReference<>();
    private volatile boolean closed;

    public RedisHeartbeat(ReactiveRedisDataSource redis, StorePulse pulse) {
        this.redis = redis;
        this.pulse = pulse;
        // Connected now, so that the first beat, in the first burst after start, finds its connection made.
        connected().subscribe().with(made -> { }, failure -> { });
    }

    @Override
    public void beat() {
        if (closed || !beating.compareAndSet(false, true)) {
            return;
        }
        connected().chain(made -> made.send(Request.cmd(Command.PING)))
                .ifNoItem().after(GIVE_UP).fail()
                .subscribe().with(pong -> {
                    pulse.answered();
                    beating.set(false);
                }, failure -> {
                    drop();
                    beating.set(false);
                });
    }

    private Uni<RedisConnection> connected() {
        RedisConnection held = connection.get();
        if (held != null) {
            return Uni.createFrom().item(held);
        }
        return redis.getRedis().connect().invoke(made -> {
            if (closed || !connection.compareAndSet(null, made)) {
                RedisConnections.discard(made);
                return;
            }
            made.exceptionHandler(failure -> drop());
            made.endHandler(this::drop);
        }).map(made -> connection.get() != null ? connection.get() : made);
    }

    private void drop() {
        RedisConnection held = connection.getAndSet(null);
        if (held != null) {
            RedisConnections.discard(held);
        }
    }

    /** Closes its connection; later beats send nothing. */
    public void close() {
        closed = true;
        drop();
    }
}
