package support;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import infrastructure.redis.RedisClusterRouter;
import infrastructure.redis.RedisSharedConnections;

/** The reactive Redis client outside Quarkus, so adapter contract tests run without booting the service. */
public final class RedisClients {

    private static final Vertx VERTX = Vertx.vertx();

    private RedisClients() {
    }

    /** The Vert.x these data sources run on. */
    public static Vertx vertx() {
        return VERTX;
    }

    /**
     * A data source made with {@code options}, as the service makes its own: a cluster's through the router, any
     * other's commands over two shared connections.
     */
    public static ReactiveRedisDataSource dataSource(RedisOptions options) {
        Redis client = options.getType() == RedisClientType.CLUSTER
                ? Redis.newInstance(new RedisClusterRouter(VERTX.getDelegate(), options, null))
                : shared(Redis.createClient(VERTX, options));
        return new ReactiveRedisDataSourceImpl(VERTX, client, RedisAPI.api(client));
    }

    /** A data source on {@code url}, with a pool sized for the concurrency tests, its commands over two shared connections. */
    public static ReactiveRedisDataSource dataSource(String url) {
        Redis client = shared(Redis.createClient(VERTX, new RedisOptions().setConnectionString(url)
                .setMaxPoolSize(32).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000)));
        return new ReactiveRedisDataSourceImpl(VERTX, client, RedisAPI.api(client));
    }

    private static Redis shared(Redis pool) {
        return Redis.newInstance(new RedisSharedConnections(pool.getDelegate(), 2));
    }
}
