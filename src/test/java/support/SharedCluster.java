package support;

import infrastructure.redis.RedisTrackedNodes;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.util.List;

/**
 * One Redis Cluster of three masters for the whole test JVM, started on first use and stopped when the
 * JVM exits; tests isolate themselves by key prefix, as on {@link SharedRedis}.
 */
public final class SharedCluster {

    private SharedCluster() {
    }

    private static final class Holder {
        static final RedisCluster CLUSTER = started();
        static final ReactiveRedisDataSource DATA_SOURCE = RedisClients.dataSource(CLUSTER.options());
        static final RedisTrackedNodes NODES = RedisTrackedNodes.of(DATA_SOURCE, CLUSTER.options(), RedisClients.vertx());
        static final List<ReactiveRedisDataSource> MASTERS = CLUSTER.masters().stream()
                .map(master -> RedisClients.dataSource(master.url())).toList();

        private static RedisCluster started() {
            RedisCluster cluster = RedisCluster.start(3);
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
            return cluster;
        }
    }

    public static RedisCluster cluster() {
        return Holder.CLUSTER;
    }

    /** The data source on the cluster, made once: its commands go through the service's cluster router. */
    public static ReactiveRedisDataSource dataSource() {
        return Holder.DATA_SOURCE;
    }

    /**
     * Every master of the cluster, as the service gives them to the adapters that walk the key space
     * (a SCAN through the data source would see one master only); made once, never to be closed.
     */
    public static RedisTrackedNodes nodes() {
        return Holder.NODES;
    }

    /** A data source on each master alone, made once: for tests that read what each node holds. */
    public static List<ReactiveRedisDataSource> eachMaster() {
        return Holder.MASTERS;
    }
}
