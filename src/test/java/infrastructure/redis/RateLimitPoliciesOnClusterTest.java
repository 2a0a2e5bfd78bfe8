package infrastructure.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import contract.RateLimitPoliciesContract;
import domain.ratelimit.RateLimitPolicies;
import java.time.Clock;
import java.util.UUID;
import support.SharedCluster;

/** The Redis policy store against the contract, on a Redis Cluster of three masters. */
class RateLimitPoliciesOnClusterTest extends RateLimitPoliciesContract {

    @Override
    protected RateLimitPolicies newPolicies() {
        return new RedisRateLimitPolicies(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8),
                new ObjectMapper(), Clock.systemUTC());
    }
}
