package infrastructure.redis;

import contract.RateLimitRepositoryContract;
import domain.ratelimit.RateLimitRepository;
import java.util.UUID;
import support.MutableClock;
import support.SharedCluster;

/** The Redis rate limit store against the contract, on a Redis Cluster of three masters. */
class RateLimitRepositoryOnClusterTest extends RateLimitRepositoryContract {

    @Override
    protected RateLimitRepository newRepository(MutableClock clock) {
        return new RedisRateLimitRepository(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8), clock);
    }
}
