package support;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A Redis Cluster of this test's own: masters only, each a redis-server on a free loopback port,
 * the 16,384 slots split evenly between them in order (the first master serves the lowest slots),
 * joined with {@code CLUSTER MEET}; no redis-cli needed.
 */
public final class RedisCluster implements AutoCloseable {

    public static final int SLOTS = 16_384;
    private static final Duration FORMED = Duration.ofSeconds(30);

    private final List<RedisServer> masters;
    /** Each master's replica, in the masters' order; empty without replicas. */
    private final List<RedisServer> replicas;

    private RedisCluster(List<RedisServer> masters, List<RedisServer> replicas) {
        this.masters = masters;
        this.replicas = replicas;
    }

    private static RedisServer node() {
        // Without full coverage a cluster keeps serving the slots of the masters that answer while one is
        // down, as a production cluster should be set up.
        return RedisServer.startOwn("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
                // A replica's first sync otherwise waits five seconds for more replicas to come.
                "--repl-diskless-sync-delay", "0");
    }

    /** Starts {@code count} masters and waits until every one reports the cluster ok. */
    public static RedisCluster start(int count) {
        return start(count, false);
    }

    /**
     * Starts {@code count} masters, each with one replica when {@code withReplicas}, and waits until every
     * node reports the cluster ok and every replica is in sync with its master.
     */
    public static RedisCluster start(int count, boolean withReplicas) {
        List<RedisServer> masters = new ArrayList<>();
        List<RedisServer> replicas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            masters.add(node());
            if (withReplicas) {
                replicas.add(node());
            }
        }
        RedisCluster cluster = new RedisCluster(masters, replicas);
        try {
            for (int i = 0; i < count; i++) {
                StringBuilder slots = new StringBuilder("CLUSTER ADDSLOTS");
                for (int slot = cluster.firstSlot(i); slot <= cluster.lastSlot(i); slot++) {
                    slots.append(' ').append(slot);
                }
                expectOk(masters.get(i).command(slots.toString()));
            }
            for (int i = 1; i < count; i++) {
                expectOk(masters.get(0).command("CLUSTER MEET 127.0.0.1 " + masters.get(i).port()));
            }
            for (RedisServer replica : replicas) {
                expectOk(masters.get(0).command("CLUSTER MEET 127.0.0.1 " + replica.port()));
            }
        } catch (IOException e) {
            cluster.close();
            throw new IllegalStateException("cannot form the cluster", e);
        }
        for (int i = 0; i < replicas.size(); i++) {
            String master = RedisClients.dataSource(masters.get(i).url()).execute(Command.CLUSTER, "MYID")
                    .await().atMost(Duration.ofSeconds(2)).toString();
            RedisServer replica = replicas.get(i);
            // The replica must have heard of its master through the cluster bus before it can follow it.
            Awaitility.await("replica of master " + i).atMost(FORMED).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> replica.command("CLUSTER REPLICATE " + master).equals("+OK"));
        }
        // Without full coverage required, a node says ok before it heard of every node and slot: wait for those too.
        int known = cluster.nodes().size();
        for (RedisServer node : cluster.nodes()) {
            ReactiveRedisDataSource client = RedisClients.dataSource(node.url());
            Awaitility.await("cluster formed as seen from " + node.url()).atMost(FORMED).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        String info = client.execute(Command.CLUSTER, "INFO").await().atMost(Duration.ofSeconds(2)).toString();
                        return info.lines().map(String::strip).filter(line -> line.equals("cluster_state:ok")
                                || line.equals("cluster_slots_ok:" + SLOTS) || line.equals("cluster_known_nodes:" + known)).count() == 3;
                    });
        }
        for (RedisServer replica : replicas) {
            ReactiveRedisDataSource client = RedisClients.dataSource(replica.url());
            Awaitility.await("replica in sync on " + replica.url()).atMost(FORMED).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.execute(Command.INFO, "replication").await().atMost(Duration.ofSeconds(2)).toString()
                            .contains("master_link_status:up"));
        }
        return cluster;
    }

    /** Every node: the masters, then the replicas. */
    public List<RedisServer> nodes() {
        List<RedisServer> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    /** Master {@code i}'s replica. */
    public RedisServer replicaOf(int i) {
        return replicas.get(i);
    }

    /** The index of the master that serves {@code slot} as the cluster was formed. */
    public int masterOf(int slot) {
        for (int i = 0; i < masters.size(); i++) {
            if (slot >= firstSlot(i) && slot <= lastSlot(i)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no slot " + slot);
    }

    private static void expectOk(String reply) {
        if (!reply.equals("+OK")) {
            throw new IllegalStateException("the cluster refused a step: " + reply);
        }
    }

    /** The lowest slot master {@code i} serves. */
    public int firstSlot(int i) {
        return i * (SLOTS / masters.size());
    }

    /** The highest slot master {@code i} serves. */
    public int lastSlot(int i) {
        return i == masters.size() - 1 ? SLOTS - 1 : (i + 1) * (SLOTS / masters.size()) - 1;
    }

    public List<RedisServer> masters() {
        return masters;
    }

    /** Client options for the cluster, with a pool sized for the tests. */
    public RedisOptions options() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER)
                .setMaxPoolSize(32).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000);
        masters.forEach(m -> options.addConnectionString(m.url()));
        return options;
    }

    @Override
    public void close() {
        nodes().forEach(RedisServer::close);
    }
}
