package infrastructure.redis;

import contract.StoreProbeContract;
import domain.store.StoreProbe;
import java.time.Duration;
import support.SharedCluster;

/** The Redis store probe against the contract, on a Redis Cluster of three masters. */
class StoreProbeOnClusterTest extends StoreProbeContract {

    // The shared cluster will do: unlike the Redis probe test's own, the contract changes no server setting.
    @Override
    protected StoreProbe newProbe() {
        return new RedisStoreProbe(SharedCluster.dataSource(), Duration.ofSeconds(1));
    }
}
