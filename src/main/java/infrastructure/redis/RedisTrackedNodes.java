package infrastructure.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Redis nodes whose changes a near cache must hear, each reached by a connection of its own:
 * the one node of a standalone or Sentinel data source (Sentinel hands out the current master), or
 * every master of a cluster, each through a client of its own made from the data source's options
 * (credentials and TLS included) with that master as its only endpoint.
 */
public abstract sealed class RedisTrackedNodes {

    /**
     * A new connection to each node that holds entries, each within {@code budget}: all or none (those
     * made are closed when one cannot be, and one that comes after its budget is closed on arrival).
     *
     * @param topology what {@link #topology()} answered just before
     */
    abstract Uni<List<RedisConnection>> connect(String topology, Duration budget);

    /** What the nodes are now, to tell a change; null for a data source whose node cannot change under it. */
    abstract Uni<String> topology();

    /** How long a scan waits for a connection to each node. */
    private static final Duration SCAN_CONNECT_BUDGET = Duration.ofSeconds(5);

    /**
     * Every key {@code pattern} matches on every node holding keys, each node SCANned on a connection of
     * its own (a SCAN through a cluster client would go to any one node), a thousand at a time until
     * its cursor comes back to 0: for an operator's listing, never a request path.
     */
    public Uni<java.util.Set<String>> scan(String pattern) {
        return topology()
                .chain(topology -> connect(topology, SCAN_CONNECT_BUDGET))
                .chain(connections -> io.smallrye.mutiny.Multi.createFrom().iterable(connections)
                        .onItem().transformToUniAndConcatenate(connection -> scan(connection, pattern)
                                .eventually(() -> connection.close().onFailure().recoverWithNull()))
                        .collect().in(java.util.HashSet<String>::new, java.util.Set::addAll));
    }

    private static Uni<java.util.Set<String>> scan(RedisConnection connection, String pattern) {
        java.util.Set<String> found = new java.util.HashSet<>();
        java.util.concurrent.atomic.AtomicReference<String> cursor = new java.util.concurrent.atomic.AtomicReference<>("0");
        return io.smallrye.mutiny.Multi.createBy().repeating()
                .uni(() -> connection.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.SCAN)
                                .arg(cursor.get()).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
                        .invoke(page -> {
                            cursor.set(page.get(0).toString());
                            page.get(1).forEach(key -> found.add(key.toString()));
                        }))
                .until(page -> cursor.get().equals("0"))
                .collect().last()
                .map(last -> found);
    }

    /** Keys a SCAN call examines at most; a step makes calls until it found what it wants or {@value #SCAN_CALLS} were made. */
    private static final int SCAN_COUNT = 1000;
    private static final int SCAN_CALLS = 16;

    /**
     * One step of a walk over the keys {@code pattern} matches on every node holding keys: SCAN calls on
     * one node, on a connection of its own, until about {@code wanted} keys matched, the node's keyspace
     * ended, or {@value #SCAN_CALLS} calls of {@value #SCAN_COUNT} were made. Begin with the empty cursor
     * and go on with each step's {@link ScanStep#next()} until it is empty. The cursor names the nodes
     * it was made for and the server it was scanning (its run id): when they changed (a failover, a
     * reshard, a restart), the walk begins that node again, or all of them, so a key may come twice, as
     * SCAN itself may repeat one; a key present throughout comes at least once. For an operator's walk,
     * never a request path.
     */
    public Uni<ScanStep> scanStep(String pattern, String cursor, int wanted) {
        return topology().chain(topology -> {
            String nodes = topology == null ? "1" : Integer.toHexString(topology.hashCode());
            String[] at = cursor.split(":", -1);
            boolean sameNodes = at.length == 4 && at[0].equals(nodes);
            int node = sameNodes ? Integer.parseInt(at[1]) : 0;
            return connect(topology, SCAN_CONNECT_BUDGET).chain(connections -> {
                Uni<ScanStep> step = node >= connections.size()
                        ? Uni.createFrom().item(new ScanStep(List.of(), java.util.Optional.empty()))
                        : runId(connections.get(node)).chain(server -> {
                            String from = sameNodes && at[2].equals(server) ? at[3] : "0";
                            return scanOn(connections.get(node), pattern, from, wanted).map(found -> {
                                java.util.Optional<String> next = !found.cursor().equals("0")
                                        ? java.util.Optional.of(nodes + ":" + node + ":" + server + ":" + found.cursor())
                                        : node + 1 < connections.size()
                                                ? java.util.Optional.of(nodes + ":" + (node + 1) + "::0")
                                                : java.util.Optional.empty();
                                return new ScanStep(found.keys(), next);
                            });
                        });
                return step.eventually(() -> Multi.createFrom().iterable(connections)
                        .onItem().transformToUniAndConcatenate(c -> c.close().onFailure().recoverWithNull())
                        .collect().last());
            });
        });
    }

    /** The server's run id, which a restart or a failover to another server changes. */
    private static Uni<String> runId(RedisConnection connection) {
        return connection.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.INFO).arg("server"))
                .map(info -> info.toString().lines().filter(line -> line.startsWith("run_id:")).findFirst()
                        .map(line -> line.substring("run_id:".length()).trim()).orElse(""));
    }

    private record Found(List<String> keys, String cursor) {
    }

    /** SCAN calls from {@code cursor} until about {@code wanted} keys matched, the keyspace ended, or the calls ran out. */
    private static Uni<Found> scanOn(RedisConnection connection, String pattern, String cursor, int wanted) {
        List<String> keys = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> at = new java.util.concurrent.atomic.AtomicReference<>(cursor);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        return Multi.createBy().repeating()
                .uni(() -> connection.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.SCAN)
                                .arg(at.get()).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT))
                        .invoke(page -> {
                            at.set(page.get(0).toString());
                            page.get(1).forEach(key -> keys.add(key.toString()));
                        }))
                .until(page -> at.get().equals("0") || keys.size() >= wanted || calls.incrementAndGet() >= SCAN_CALLS)
                .collect().last()
                .map(last -> new Found(keys, at.get()));
    }

    /** The keys one SCAN found, and the cursor of the next step; empty after the last. */
    public record ScanStep(List<String> keys, java.util.Optional<String> next) {
    }

    /** Closes what it made for itself (the clients of cluster masters); the data source's pool stays. */
    public void close() {
    }

    /**
     * The connection {@code connecting} gives within {@code budget}, else a failure; a connection
     * that comes later is closed, never left out of its pool.
     */
    static Uni<RedisConnection> within(Uni<RedisConnection> connecting, Duration budget) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean settled = new AtomicBoolean();
            // Subscribed here rather than chained: a connection must be seen, and closed, even after the budget gave it up.
            connecting.subscribe().with(connection -> {
                if (settled.compareAndSet(false, true)) {
                    emitter.complete(connection);
                } else {
                    RedisConnections.discard(connection);
                }
            }, failure -> {
                if (settled.compareAndSet(false, true)) {
                    emitter.fail(failure);
                }
            });
            Uni.createFrom().nullItem().onItem().delayIt().by(budget).subscribe().with(later -> {
                if (settled.compareAndSet(false, true)) {
                    emitter.fail(new TimeoutException("no connection to Redis within " + budget));
                }
            });
        });
    }

    /** The one node of a standalone or Sentinel data source, from its own pool. */
    public static RedisTrackedNodes single(ReactiveRedisDataSource redis) {
        return new Single(redis);
    }

    /**
     * The nodes of a data source made with {@code options}: every master when it is a cluster, else
     * its one node. {@code vertx} runs the clients made for the masters.
     */
    public static RedisTrackedNodes of(ReactiveRedisDataSource redis, RedisOptions options, Vertx vertx) {
        if (options == null) {
            // Tracking one node of a cluster would serve stale copies of every other master's entries.
            throw new IllegalStateException("the near cache cannot tell which Redis nodes to track: the Redis client's options are unknown");
        }
        if (options.getType() != RedisClientType.CLUSTER) {
            return single(redis);
        }
        return new ClusterMasters(redis, options, vertx);
    }

    private static final class Single extends RedisTrackedNodes {

        private final ReactiveRedisDataSource redis;

        private Single(ReactiveRedisDataSource redis) {
            this.redis = redis;
        }

        @Override
        Uni<List<RedisConnection>> connect(String topology, Duration budget) {
            return within(redis.getRedis().connect(), budget).map(List::of);
        }

        @Override
        Uni<String> topology() {
            return Uni.createFrom().nullItem();
        }
    }

    private static final class ClusterMasters extends RedisTrackedNodes {

        private final ReactiveRedisDataSource redis;
        private final RedisOptions options;
        private final Vertx vertx;
        /** One client per master endpoint, made once. */
        private final Map<String, Redis> clients = new ConcurrentHashMap<>();

        private ClusterMasters(ReactiveRedisDataSource redis, RedisOptions options, Vertx vertx) {
            this.redis = redis;
            this.options = options;
            this.vertx = vertx;
        }

        /**
         * The masters that serve slots, as {@code host:port} ({@code [host]:port} for IPv6), sorted and
         * joined by commas ({@code CLUSTER SLOTS}). A master announced without a host (Redis's
         * "unknown endpoint") takes the host of the first configured endpoint.
         */
        @Override
        Uni<String> topology() {
            URI first = URI.create(options.getEndpoint());
            String seed = first.getHost() + ":" + first.getPort();
            return redis.execute(Command.CLUSTER, "SLOTS")
                    .map(slots -> String.join(",", RedisClusterRouter.SlotMap.of(slots.getDelegate(), seed).masters()));
        }

        /** A connection to every master, each within the budget, all at once; or none. */
        @Override
        Uni<List<RedisConnection>> connect(String topology, Duration budget) {
            List<String> masters = List.of(topology.split(","));
            // Clients of masters that left the cluster go.
            clients.keySet().removeIf(master -> {
                if (masters.contains(master)) {
                    return false;
                }
                clients.get(master).close();
                return true;
            });
            List<Uni<Optional<RedisConnection>>> connecting = masters.stream()
                    .map(master -> within(client(master).connect(), budget)
                            .map(Optional::of).onFailure().recoverWithItem(Optional.empty()))
                    .toList();
            return Uni.join().all(connecting).andFailFast()
                    .map(made -> {
                        if (made.stream().allMatch(Optional::isPresent)) {
                            return made.stream().map(Optional::get).toList();
                        }
                        made.stream().flatMap(Optional::stream)
                                .forEach(RedisConnections::discard);
                        throw new IllegalStateException("a cluster master refused a connection for tracking");
                    });
        }

        /** A client of one master: the data source's options, with that master as its only endpoint. */
        private Redis client(String master) {
            return clients.computeIfAbsent(master, m -> Redis.createClient(vertx,
                    RedisClusterRouter.nodeOptions(options, m).setMaxPoolSize(2).setMaxPoolWaiting(16)));
        }

        @Override
        public void close() {
            clients.values().forEach(Redis::close);
            clients.clear();
        }
    }
}
