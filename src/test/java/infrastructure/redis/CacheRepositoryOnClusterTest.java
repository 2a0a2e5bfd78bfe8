package infrastructure.redis;

import contract.CacheRepositoryContract;
import domain.cache.CacheRepository;
import java.util.UUID;
import support.MutableClock;
import support.SharedCluster;
import support.ValueCodecs;

/** The Redis cache against the contract, on a Redis Cluster of three masters. */
class CacheRepositoryOnClusterTest extends CacheRepositoryContract {

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        // Every master, as the service gives them on a cluster: the listing of projects scans each.
        return new RedisCacheRepository(SharedCluster.dataSource(), prefix, clock, RETENTION, ValueCodecs.standard(), SharedCluster.nodes());
    }
}
