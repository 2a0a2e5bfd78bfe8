package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The service on a Redis of its own, with the production rate limit bound (50 ms) the outage test measures. */
public class OwnRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.redis.timeout", "2s", "cache-domain.rate-limits.store-timeout", "50ms");
    }
}
