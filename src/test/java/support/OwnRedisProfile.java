package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The service on a Redis of its own, with store timeouts short enough for outage tests. */
public class OwnRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.redis.timeout", "2s");
    }
}
