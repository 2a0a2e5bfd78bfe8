package infrastructure.redis;

import infrastructure.config.RedisDataSources;
import io.smallrye.common.annotation.Identifier;
import infrastructure.config.HealthConfig;
import infrastructure.config.StoreConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: with the Redis store, UP only while Redis answers PING within
 * {@code cache-domain.health.ping-timeout} (1 s); with the embedded store, always UP. It pings
 * directly, never through a circuit breaker, so that it sees the store come back at once.
 */
@Readiness
@ApplicationScoped
public class RedisReadinessCheck implements AsyncHealthCheck {

    private final StoreConfig store;
    private final Duration pingTimeout;
    private final Instance<ReactiveRedisDataSource> redis;

    public RedisReadinessCheck(StoreConfig store, HealthConfig health,
            @Identifier(RedisDataSources.STORE) Instance<ReactiveRedisDataSource> redis) {
        this.store = store;
        this.pingTimeout = health.pingTimeout();
        this.redis = redis;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (store.store() != StoreConfig.Kind.redis) {
            return Uni.createFrom().item(HealthCheckResponse.named("store").up().withData("store", "memory").build());
        }
        long start = System.nanoTime();
        return redis.get().execute(Command.PING)
                .ifNoItem().after(pingTimeout).fail()
                .map(pong -> HealthCheckResponse.named("store").up().withData("store", "redis")
                        .withData("pingMillis", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("store").down()
                        .withData("store", "redis").withData("error", RedisFailures.describe(failure)).build());
    }
}
