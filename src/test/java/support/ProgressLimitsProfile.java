package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** Progress with short times and small limits, so that stalls, gaps, expiry and stream limits show within a test. */
public class ProgressLimitsProfile implements QuarkusTestProfile {

    public static final int MAX_RETAINED = 5;
    public static final int MAX_STREAMS = 2;

    static Map<String, String> limits() {
        Map<String, String> config = new HashMap<>();
        config.put("cache-domain.progress.heartbeat", "200ms");
        config.put("cache-domain.progress.stall-after", "2s");
        config.put("cache-domain.progress.ttl", "4s");
        config.put("cache-domain.progress.max-retained-events", Integer.toString(MAX_RETAINED));
        config.put("cache-domain.progress.max-streams-per-principal", Integer.toString(MAX_STREAMS));
        config.put("cache-domain.progress.ticket-ttl", "1s");
        return config;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = limits();
        config.putAll(new MemoryStoreProfile().getConfigOverrides());
        return config;
    }

    /** The same limits on the embedded store (SQLite). */
    public static class OnEmbedded implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = limits();
            config.putAll(new EmbeddedStoreProfile().getConfigOverrides());
            return config;
        }
    }

    /** The same limits on the shared test Redis. */
    public static class OnRedis extends RedisStoreProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return limits();
        }
    }
}
