package support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/** Points the service at the shared test Redis, under a key prefix of its own. */
public class SharedRedisResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "cache-domain.store", "redis",
                "quarkus.redis.hosts", SharedRedis.server().url(),
                "cache-domain.redis.key-prefix", "svc" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    public void stop() {
        // The shared server outlives every service boot; the JVM's shutdown hook stops it.
    }
}
