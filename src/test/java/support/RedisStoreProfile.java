package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The service on the Redis store, against the test JVM's shared redis-server, with the near cache
 * on: the demanding case, under every REST suite that runs on Redis. The cache adapter without it is
 * covered by the contract suite ({@code RedisCacheRepositoryTest}) and by the tests on a Redis of
 * their own ({@link OwnRedisProfile}), which leave it off.
 */
public class RedisStoreProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SharedRedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.redis.near-cache.enabled", "true",
                "cache-domain.redis.near-cache.ping-interval", "200ms");
    }
}
