package infrastructure.redis;

import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Redis's own word on every change of a cache entry: RESP3 client tracking in broadcast mode
 * ({@code CLIENT TRACKING ON BCAST PREFIX cd:c:}) on a connection of this instance's own. Redis
 * then reports every write of an entry, whoever made it (another instance, a script, an operator's
 * {@code redis-cli}), and its expiry and eviction; {@code FLUSHALL} and {@code FLUSHDB} come as
 * "everything changed".
 *
 * <p>Redis reports nothing once the connection is gone, and a half-open socket looks alive. So the
 * connection is pinged every interval, and its end, an error or a ping without an answer within
 * the timeout makes it lost: the listener hears {@link Listener#lost()} at once, the connection
 * is closed, and a new one is made, right away and then every interval until one holds. Only once
 * Redis confirmed the tracking of a new connection does the listener hear
 * {@link Listener#established()}.
 *
 * <p>The connection comes from the data source's pool. The pool hands a connection it gets back to
 * the next borrower unless that connection ran SELECT, AUTH or a pub/sub command; tracking must
 * never reach another borrower, so the connection runs {@code SELECT 0} first (harmless: it reads
 * and writes no data, and tracking reports key names in every database).
 */
public final class RedisEntryTracking {

    private static final Logger LOG = Logger.getLogger(RedisEntryTracking.class);
    /** What {@code CLIENT LIST} shows for the connection. */
    static final String CLIENT_NAME = "cache-domain-near-cache";

    /** What the near cache hears. Called from the connection's event loop or the timer; every method must be thread safe. */
    public interface Listener {

        /** Tracking is on: every change from now on will be reported. */
        void established();

        /** The entry changed, or may have. */
        void changed(ProjectId project, String key);

        /** Every entry may have changed (the database was flushed). */
        void everythingChanged();

        /** Changes may go unreported from now on, until the next {@link #established()}. */
        void lost();
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Listener listener;
    /** The connection tracking runs on, once Redis confirmed it; null while none does. */
    private final AtomicReference<RedisConnection> current = new AtomicReference<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile Cancellable timer;
    private volatile boolean closed;

    /**
     * @param pingInterval how often the connection is checked, and a lost one made again
     * @param pingTimeout  the longest a check or a step of making the connection may take
     */
    public RedisEntryTracking(ReactiveRedisDataSource redis, String keyPrefix, Duration pingInterval, Duration pingTimeout,
            Listener listener) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.pingInterval = pingInterval;
        this.pingTimeout = pingTimeout;
        this.listener = listener;
    }

    /** Makes the connection now and checks it every interval from now on, until {@link #close()}. */
    public void start() {
        connect();
        timer = Multi.createFrom().ticks().every(pingInterval)
                .onOverflow().drop()
                .subscribe().with(tick -> check(), failure -> LOG.warnf("near cache tracking stopped: %s", failure.toString()));
    }

    /** True while Redis tracks the entries for this instance. */
    public boolean live() {
        return current.get() != null;
    }

    private void check() {
        RedisConnection connection = current.get();
        if (connection == null) {
            connect();
            return;
        }
        connection.send(Request.cmd(Command.PING))
                .ifNoItem().after(pingTimeout).fail()
                .subscribe().with(pong -> { }, failure -> lost(connection, "no answer to PING: " + failure));
    }

    /**
     * One attempt to make a tracked connection, unless one is being made: a deliberate
     * fire-and-forget, since a failed attempt is tried again at the next tick.
     */
    private void connect() {
        if (closed || current.get() != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        redis.getRedis().connect()
                .ifNoItem().after(pingTimeout).fail()
                .chain(this::track)
                .subscribe().with(connection -> {
                    connecting.set(false);
                    if (closed) {
                        discard(connection);
                        return;
                    }
                    current.set(connection);
                    warned.set(false);
                    listener.established();
                    LOG.debug("near cache tracking established");
                }, failure -> {
                    connecting.set(false);
                    if (warned.compareAndSet(false, true)) {
                        LOG.warnf("near cache off: Redis does not track cache entries for this instance (%s); trying again every %s",
                                failure.toString(), pingInterval);
                    }
                });
    }

    /** Turns tracking on for a new connection; the connection is closed if any step fails. */
    private Uni<RedisConnection> track(RedisConnection connection) {
        connection.handler(this::heard);
        connection.endHandler(() -> lost(connection, "connection closed"));
        connection.exceptionHandler(failure -> lost(connection, failure.toString()));
        return send(connection, Request.cmd(Command.SELECT).arg(0)).onFailure().recoverWithNull()
                .chain(() -> send(connection, Request.cmd(Command.CLIENT).arg("SETNAME").arg(CLIENT_NAME)))
                .chain(() -> send(connection, Request.cmd(Command.HELLO).arg(3)))
                .invoke(hello -> {
                    Response proto = hello == null ? null : hello.get("proto");
                    if (proto == null || proto.toInteger() != 3) {
                        throw new IllegalStateException("Redis does not speak RESP3 (HELLO 3), which client tracking needs");
                    }
                })
                .chain(() -> send(connection, Request.cmd(Command.CLIENT).arg("TRACKING").arg("ON").arg("BCAST")
                        .arg("PREFIX").arg(keys.entries())))
                .replaceWith(connection)
                .onFailure().call(() -> connection.close().onFailure().recoverWithNull());
    }

    private Uni<Response> send(RedisConnection connection, Request request) {
        return connection.send(request).ifNoItem().after(pingTimeout).fail();
    }

    /** A push from Redis: {@code invalidate} with the changed keys, or with null when everything changed. */
    private void heard(Response push) {
        if (push == null || push.type() != ResponseType.PUSH || push.size() < 2 || !"invalidate".equals(push.get(0).toString())) {
            return;
        }
        Response changed = push.get(1);
        if (changed == null || changed.type() != ResponseType.MULTI) {
            listener.everythingChanged();
            return;
        }
        for (Response key : changed) {
            RedisKeys.Entry entry = keys.entryOf(key.toString());
            if (entry != null) {
                listener.changed(entry.project(), entry.key());
            }
        }
    }

    private void lost(RedisConnection connection, String why) {
        if (current.compareAndSet(connection, null)) {
            listener.lost();
            LOG.infof("near cache off until tracking is made again: %s", why);
            discard(connection);
            connect();
        }
    }

    /** Closes a connection that no longer counts, without waiting: closing one already gone changes nothing. */
    private static void discard(RedisConnection connection) {
        connection.close().subscribe().with(done -> { }, failure -> { });
    }

    /** Stops checking and closes the connection; the listener hears {@link Listener#lost()}. */
    public Uni<Void> close() {
        closed = true;
        Cancellable ticks = timer;
        if (ticks != null) {
            ticks.cancel();
        }
        RedisConnection connection = current.getAndSet(null);
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        listener.lost();
        return connection.close().onFailure().recoverWithNull();
    }
}
