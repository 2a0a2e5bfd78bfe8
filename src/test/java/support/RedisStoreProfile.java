package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The service on the Redis store, against the test JVM's shared redis-server, with the near cache
 * on and every project's values encrypted: the demanding case, under every REST suite that runs on Redis. The cache adapter without it is
 * covered by the contract suite ({@code RedisCacheRepositoryTest}) and by the tests on a Redis of
 * their own ({@link OwnRedisProfile}), which leave it off.
 */
public class RedisStoreProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SharedRedisResource.class));
    }

    /** The key-encryption key of the REST suites on Redis; a test's own, never a real one. */
    public static final String KEK = "q6w9vXkE3m0YH1v4mQ2rS8tUuWxyZ0a1b2c3d4e5f6g=";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.redis.near-cache.enabled", "true",
                "cache-domain.redis.near-cache.ping-interval", "200ms",
                "cache-domain.values.encryption.enabled", "true",
                "cache-domain.values.encryption.key", KEK,
                // A rotation waits this (plus a margin) for other instances before it re-encrypts.
                "cache-domain.values.encryption.keyset-refresh", "200ms");
    }
}
