package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The service as the shipped ACL rule's user on a Redis of its own, with the near cache on (it tracks keys). */
public class AclRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AclRedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("cache-domain.redis.near-cache.enabled", "true");
    }
}
