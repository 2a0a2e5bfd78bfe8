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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Redis's own word on every change of a cache entry: RESP3 client tracking in broadcast mode
 * ({@code CLIENT TRACKING ON BCAST PREFIX cd:c:}) on connections of this instance's own. Redis
 * then reports every write of an entry, whoever made it (another instance, a script, an operator's
 * {@code redis-cli}), and its expiry and eviction; {@code FLUSHALL} and {@code FLUSHDB} come as
 * "everything changed".
 *
 * <p>Redis reports nothing once a connection is gone, and a half-open socket looks alive; a proxy
 * that fails over behind a socket answers from a server that tracks nothing for it. So every interval
 * each connection asks Redis whether it still tracks it ({@code CLIENT TRACKINGINFO}, Redis 6.2 and
 * later), and its end, an error, a "no", or no confirmation within the timeout makes tracking lost:
 * the listener hears {@link Listener#lost()} at once, the connections are closed, and new ones are
 * made, right away and then every interval until they hold. Only once Redis confirmed the tracking of
 * every new connection does the listener hear {@link Listener#established()}.
 *
 * <p>Each connection must also be to a master ({@code ROLE}), when made and at every check: a master
 * demoted behind a partition keeps its connections while the entries change on the new one.
 *
 * <p>The Vert.x client (4.5) drops the request waiting at the head of its queue when a push arrives in
 * its place: the answers after it then come back to the wrong requests, the last one to the
 * connection's handler as if it were a message (seen under load: a {@code CLIENT TRACKINGINFO} map
 * answered to a {@code ROLE}). So the checks' answers are read by their shape, wherever they arrive.
 *
 * <p>On Redis Cluster each master reports only the keys it holds, so there is one connection per
 * master ({@link RedisTrackedNodes}), and tracking is live only while every one is; the loss of any
 * is a loss of all, and a change of the masters (a failover, a node added), checked every interval,
 * is one too.
 *
 * <p>A connection may come from a pool. A pool hands a connection it gets back to the next borrower
 * unless that connection ran SELECT, AUTH or a pub/sub command; tracking must never reach another
 * borrower, so each connection runs {@code SELECT 0} first (harmless: it reads and writes no data,
 * and tracking reports key names in every database).
 */
public final class RedisEntryTracking {

    private static final Logger LOG = Logger.getLogger(RedisEntryTracking.class);
    /** What {@code CLIENT LIST} shows for the connections. */
    static final String CLIENT_NAME = "cache-domain-near-cache";

    /** What the near cache hears. Called from a connection's event loop or the timer; every method must be thread safe. */
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

    /** The connections of one attempt at tracking, one per node, and the masters they were made for. */
    private static final class Tracked {
        private final List<RedisConnection> connections;
        private final String topology;
        /** Per connection, when Redis last confirmed it tracks it (System.nanoTime). */
        private final Map<RedisConnection, AtomicLong> confirmed = new IdentityHashMap<>();
        private volatile boolean ended;

        private Tracked(List<RedisConnection> connections, String topology) {
            this.connections = connections;
            this.topology = topology;
            long now = System.nanoTime();
            connections.forEach(c -> confirmed.put(c, new AtomicLong(now)));
        }
    }

    private final RedisTrackedNodes nodes;
    private final RedisKeys keys;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Listener listener;
    /** The tracking Redis confirmed on every node; null while there is none. Changed only under this object's lock. */
    private volatile Tracked current;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile Cancellable timer;
    private volatile boolean closed;

    /** Tracking on the one node a standalone or Sentinel data source talks to. */
    public RedisEntryTracking(ReactiveRedisDataSource redis, String keyPrefix, Duration pingInterval, Duration pingTimeout,
            Listener listener) {
        this(RedisTrackedNodes.single(redis), keyPrefix, pingInterval, pingTimeout, listener);
    }

    /**
     * @param nodes        the nodes whose changes are tracked
     * @param pingInterval how often the connections are checked, and lost ones made again
     * @param pingTimeout  the longest a check or a step of making the connections may take
     */
    public RedisEntryTracking(RedisTrackedNodes nodes, String keyPrefix, Duration pingInterval, Duration pingTimeout,
            Listener listener) {
        this.nodes = nodes;
        this.keys = new RedisKeys(keyPrefix);
        this.pingInterval = pingInterval;
        this.pingTimeout = pingTimeout;
        this.listener = listener;
    }

    /** Makes the connections now and checks them every interval from now on, until {@link #close()}. */
    public void start() {
        connect();
        timer = Multi.createFrom().ticks().every(pingInterval)
                .onOverflow().drop()
                .subscribe().with(tick -> check(), failure -> LOG.warnf("near cache tracking stopped: %s", failure.toString()));
    }

    /** True while Redis tracks the entries for this instance on every node. */
    public boolean live() {
        return current != null;
    }

    private void check() {
        Tracked tracked = current;
        if (tracked == null) {
            connect();
            return;
        }
        for (RedisConnection connection : tracked.connections) {
            long asked = System.nanoTime();
            // Each answer is read by its shape, not by the request it came back to (see the class comment).
            connection.send(Request.cmd(Command.CLIENT).arg("TRACKINGINFO"))
                    .subscribe().with(answer -> answered(tracked, connection, answer),
                            failure -> lost(tracked, "no answer to CLIENT TRACKINGINFO: " + failure));
            // A master demoted behind a partition keeps its connections: it must still be a master.
            connection.send(Request.cmd(Command.ROLE))
                    .subscribe().with(answer -> answered(tracked, connection, answer),
                            failure -> lost(tracked, "no answer to ROLE: " + failure));
            Uni.createFrom().nullItem().onItem().delayIt().by(pingTimeout).subscribe().with(later -> {
                if (tracked.confirmed.get(connection).get() < asked) {
                    lost(tracked, "tracking not confirmed within " + pingTimeout);
                }
            });
        }
        if (tracked.topology != null) {
            nodes.topology()
                    .ifNoItem().after(pingTimeout).fail()
                    .subscribe().with(now -> {
                        if (!tracked.topology.equals(now)) {
                            lost(tracked, "the masters changed");
                        }
                    }, failure -> lost(tracked, "no answer about the masters: " + failure));
        }
    }

    /**
     * One attempt to make tracked connections, unless one is being made or tracking runs: a
     * deliberate fire-and-forget, since a failed attempt is tried again at the next tick.
     */
    private void connect() {
        if (closed || current != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        nodes.topology()
                .ifNoItem().after(pingTimeout).fail()
                .chain(topology -> nodes.connect(topology, pingTimeout)
                        .map(connections -> new Tracked(connections, topology)))
                .call(this::track)
                .subscribe().with(tracked -> {
                    connecting.set(false);
                    settle(tracked);
                }, failure -> {
                    connecting.set(false);
                    if (warned.compareAndSet(false, true)) {
                        LOG.warnf("near cache off: Redis does not track cache entries for this instance (%s); trying again every %s",
                                failure.toString(), pingInterval);
                    }
                });
    }

    /** Counts Redis's answer to {@code CLIENT TRACKINGINFO}: a confirmation if it still tracks the connection, else a loss. */
    private void confirm(Tracked tracked, RedisConnection connection, Response info) {
        if (tracksBroadcast(info)) {
            tracked.confirmed.get(connection).set(System.nanoTime());
        } else {
            lost(tracked, "Redis no longer tracks the connection");
        }
    }

    /**
     * An answer to one of the checks, whichever request it came back to: a {@code CLIENT TRACKINGINFO}
     * map confirms (or denies) the tracking, a {@code ROLE} array tells whether the node is still a
     * master (a node that is not is not where entries change: tracking there is lost); anything else
     * is no answer to a check.
     */
    private void answered(Tracked tracked, RedisConnection connection, Response answer) {
        if (answer == null) {
            return;
        }
        if (answer.isMap()) {
            if (answer.containsKey("flags")) {
                confirm(tracked, connection, answer);
            }
        } else if (isRole(answer) && !isMaster(answer)) {
            lost(tracked, "the node is no longer a master");
        }
    }

    private static boolean isMaster(Response role) {
        return role != null && !role.isMap() && role.type() == ResponseType.MULTI && role.size() > 0
                && "master".equals(String.valueOf(role.get(0)));
    }

    /** True for an answer to {@code ROLE}: an array that starts with the node's role. */
    private static boolean isRole(Response answer) {
        if (answer.type() != ResponseType.MULTI || answer.isMap() || answer.size() == 0 || answer.get(0) == null) {
            return false;
        }
        String role = answer.get(0).toString();
        return role.equals("master") || role.equals("slave") || role.equals("sentinel");
    }

    /** True for a {@code CLIENT TRACKINGINFO} answer whose flags say tracking is on, in broadcast mode. */
    private static boolean tracksBroadcast(Response info) {
        Response flags = info == null ? null : info.get("flags");
        if (flags == null) {
            return false;
        }
        boolean on = false;
        boolean broadcast = false;
        for (Response flag : flags) {
            on |= "on".equals(flag.toString());
            broadcast |= "bcast".equals(flag.toString());
        }
        return on && broadcast;
    }

    /** Turns tracking on for each connection of an attempt; every connection is closed if any step fails. */
    private Uni<Void> track(Tracked tracked) {
        for (RedisConnection connection : tracked.connections) {
            connection.handler(message -> heard(tracked, connection, message));
            connection.endHandler(() -> lost(tracked, "connection closed"));
            connection.exceptionHandler(failure -> lost(tracked, failure.toString()));
        }
        return Multi.createFrom().iterable(tracked.connections)
                .onItem().transformToUniAndConcatenate(this::track)
                .collect().last()
                .replaceWithVoid()
                .onFailure().invoke(() -> tracked.connections.forEach(RedisConnections::discard));
    }

    private Uni<Void> track(RedisConnection connection) {
        return send(connection, Request.cmd(Command.SELECT).arg(0)).onFailure().recoverWithNull()
                .chain(() -> send(connection, Request.cmd(Command.CLIENT).arg("SETNAME").arg(CLIENT_NAME)))
                .chain(() -> send(connection, Request.cmd(Command.HELLO).arg(3)))
                .invoke(hello -> {
                    Response proto = hello == null ? null : hello.get("proto");
                    if (proto == null || proto.toInteger() != 3) {
                        throw new IllegalStateException("Redis does not speak RESP3 (HELLO 3), which client tracking needs");
                    }
                })
                .chain(() -> send(connection, Request.cmd(Command.ROLE)))
                .invoke(role -> {
                    if (!isMaster(role)) {
                        throw new IllegalStateException("the node is not a master: entries change elsewhere");
                    }
                })
                .chain(() -> send(connection, Request.cmd(Command.CLIENT).arg("TRACKING").arg("ON").arg("BCAST")
                        .arg("PREFIX").arg(keys.entries())))
                .replaceWithVoid();
    }

    private Uni<Response> send(RedisConnection connection, Request request) {
        return connection.send(request).ifNoItem().after(pingTimeout).fail();
    }

    /** Tracking is confirmed on every node of the attempt: it becomes the current one, unless it ended meanwhile. */
    private synchronized void settle(Tracked tracked) {
        if (closed || tracked.ended || current != null) {
            tracked.connections.forEach(RedisConnections::discard);
            return;
        }
        current = tracked;
        warned.set(false);
        listener.established();
        LOG.debugf("near cache tracking established on %d node(s)", tracked.connections.size());
    }

    /**
     * A message from Redis: a push {@code invalidate} with the changed keys, or with null when
     * everything changed; or the late answer to {@code CLIENT TRACKINGINFO} (see the class comment).
     */
    private void heard(Tracked tracked, RedisConnection connection, Response push) {
        if (push == null) {
            return;
        }
        if (push.type() != ResponseType.PUSH) {
            answered(tracked, connection, push);
            return;
        }
        if (push.size() < 2 || !"invalidate".equals(push.get(0).toString())) {
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

    /**
     * Ends an attempt or the current tracking. Only the loss of the current tracking makes new
     * connections at once; a failed attempt waits for the next tick, so a Redis that is down is not
     * asked in a tight loop.
     */
    private void lost(Tracked tracked, String why) {
        boolean wasCurrent;
        synchronized (this) {
            if (tracked.ended) {
                return;
            }
            tracked.ended = true;
            wasCurrent = current == tracked;
            if (wasCurrent) {
                current = null;
                listener.lost();
                LOG.infof("near cache off until tracking is made again: %s", why);
            }
        }
        tracked.connections.forEach(RedisConnections::discard);
        if (wasCurrent) {
            connect();
        }
    }

    /** Stops checking and closes the connections; the listener hears {@link Listener#lost()}. */
    public Uni<Void> close() {
        closed = true;
        Cancellable ticks = timer;
        if (ticks != null) {
            ticks.cancel();
        }
        Tracked tracked;
        synchronized (this) {
            tracked = current;
            current = null;
            if (tracked == null) {
                nodes.close();
                return Uni.createFrom().voidItem();
            }
            tracked.ended = true;
            listener.lost();
        }
        return Multi.createFrom().iterable(tracked.connections)
                .onItem().transformToUniAndConcatenate(c -> c.close().onFailure().recoverWithNull())
                .collect().last().replaceWithVoid()
                .eventually(nodes::close);
    }
}
