package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.StoreProbeContract;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import support.SharedCluster;

/** The Redis store probe against the contract, on a Redis Cluster of three masters, each master probed. */
class StoreProbeOnClusterTest extends StoreProbeContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    // The shared cluster will do: the contract changes no server setting, and the test below puts back what it changes.
    @Override
    protected StoreProbe newProbe() {
        return new RedisStoreProbe(SharedCluster.dataSource(), Duration.ofSeconds(5), () -> RedisConnectionFacts.UNKNOWN,
                SharedCluster.nodes());
    }

    /** CONFIG GET answers a map in RESP3, a list of name and value in RESP2. */
    private static String setting(ReactiveRedisDataSource node, String name) {
        Response answer = node.execute(Command.CONFIG, "GET", name).await().atMost(WAIT);
        Response value = null;
        try {
            value = answer.get(name);
        } catch (RuntimeException notAMap) {
            // RESP2
        }
        return (value != null ? value : answer.get(1)).toString();
    }

    @Test
    void reportsTheTroubleOfAnyMasterNotOnlyOfTheOneItAsksFirst() {
        ReactiveRedisDataSource last = SharedCluster.eachMaster().get(2);
        String policy = setting(last, "maxmemory-policy");
        try {
            last.execute(Command.CONFIG, "SET", "maxmemory-policy", "allkeys-lru").await().atMost(WAIT);

            StoreStatus status = newProbe().probe().await().atMost(WAIT);

            assertThat(status.eviction().name()).isEqualTo("allkeys-lru");
            assertThat(status.warnings()).anyMatch(warning -> warning.contains("allkeys-lru"));
        } finally {
            last.execute(Command.CONFIG, "SET", "maxmemory-policy", policy).await().atMost(WAIT);
        }
    }
}
