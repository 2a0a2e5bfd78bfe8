package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The service on the memory store, with the Redis client pointed at a port where nothing listens. */
public class MemoryStoreProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.store", "memory",
                "quarkus.redis.hosts", "redis://127.0.0.1:1");
    }
}
