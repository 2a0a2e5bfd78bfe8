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

    private RedisCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    /** Starts {@code count} masters and waits until every one reports the cluster ok. */
    public static RedisCluster start(int count) {
        List<RedisServer> masters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            masters.add(RedisServer.startOwn("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000"));
        }
        RedisCluster cluster = new RedisCluster(masters);
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
        } catch (IOException e) {
            cluster.close();
            throw new IllegalStateException("cannot form the cluster", e);
        }
        for (RedisServer master : masters) {
            ReactiveRedisDataSource node = RedisClients.dataSource(master.url());
            Awaitility.await("cluster state ok on " + master.url()).atMost(FORMED).pollInterval(Duration.ofMillis(50))
                    .until(() -> node.execute(Command.CLUSTER, "INFO").await().atMost(Duration.ofSeconds(2)).toString()
                            .contains("cluster_state:ok"));
        }
        return cluster;
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
        masters.forEach(RedisServer::close);
    }
}
