package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service on the embedded store (SQLite), in a fresh data directory per start, with the Redis
 * client pointed at a port where nothing listens.
 */
public class EmbeddedStoreProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.store", "embedded",
                "cache-domain.embedded.path", EmbeddedDatabases.newDirectory().toString(),
                "quarkus.redis.hosts", "redis://127.0.0.1:1");
    }
}
