package support;

import java.util.Map;

/** The service on the Redis store with its near cache on, checked often so that tests see its state change quickly. */
public class NearCacheProfile extends RedisStoreProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.redis.near-cache.enabled", "true",
                "cache-domain.redis.near-cache.ping-interval", "200ms");
    }
}
