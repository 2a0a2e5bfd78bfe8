package infrastructure.config;

import infrastructure.redis.RedisClusterRouter;
import infrastructure.redis.RedisReplicaWait;
import infrastructure.redis.RedisSharedConnections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.client.ObservableRedisMetrics;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Redis data source of the store, which every Redis adapter, the readiness check and the warm-up
 * use: the one Quarkus made from {@code quarkus.redis.*}, except on a Redis Cluster, where commands go
 * through a {@link RedisClusterRouter} made from the same options (its javadoc says why), elsewhere
 * over {@link RedisSharedConnections} ({@code cache-domain.redis.shared-connections}), and with
 * {@code cache-domain.redis.wait-for-replicas} through a {@link RedisReplicaWait}. Asked for only when
 * Redis is the store.
 */
@ApplicationScoped
public class RedisDataSources {

    /** The qualifier of the store's data source. */
    public static final String STORE = "cache-domain-store";

    private volatile RedisClusterRouter router;
    private volatile RedisSharedConnections shared;

    @Produces
    @Singleton
    @Identifier(STORE)
    ReactiveRedisDataSource store(Instance<ReactiveRedisDataSource> quarkus, RedisClientOptions options, Vertx vertx,
            Instance<ObservableRedisMetrics> metrics, StoreConfig store, MeterRegistry meters) {
        ReactiveRedisDataSource made = quarkus.get();
        // The data source is made by now, and with it the options its client was made with.
        RedisOptions client = options.defaultClient();
        io.vertx.redis.client.Redis commands = made.getRedis().getDelegate();
        if (client != null && client.getType() == RedisClientType.CLUSTER) {
            router = new RedisClusterRouter(vertx.getDelegate(), client, metrics.isResolvable() ? metrics.get() : null);
            commands = router;
        } else if (store.redisSharedConnections() > 0) {
            if (client != null && store.redisSharedConnections() * 2 > client.getMaxPoolSize()) {
                // Each shared connection holds one of the pool's; the heartbeat, subscriptions and unshared commands need the rest.
                throw new IllegalStateException("cache-domain.redis.shared-connections (" + store.redisSharedConnections()
                        + ") may take at most half of quarkus.redis.max-pool-size (" + client.getMaxPoolSize()
                        + "): raise the pool, or share fewer connections");
            }
            shared = new RedisSharedConnections(commands, store.redisSharedConnections());
            commands = shared;
            Gauge.builder("redis.shared.connections", shared, RedisSharedConnections::open)
                    .description("shared connections open, which carry the service's plain Redis commands (of "
                            + "cache-domain.redis.shared-connections); fewer while one is being made again, and its commands take pooled ones")
                    .register(meters);
        }
        if (store.redisWaitForReplicas() > 0) {
            commands = new RedisReplicaWait(commands, store.redisWaitForReplicas(), store.redisWaitTimeout());
        }
        if (commands == made.getRedis().getDelegate()) {
            return made;
        }
        Redis wrapped = Redis.newInstance(commands);
        return new ReactiveRedisDataSourceImpl(vertx, wrapped, RedisAPI.api(wrapped));
    }

    void close(@Disposes @Identifier(STORE) ReactiveRedisDataSource dataSource) {
        RedisClusterRouter made = router;
        if (made != null) {
            made.close();
        }
        RedisSharedConnections connections = shared;
        if (connections != null) {
            connections.close();
        }
    }
}
