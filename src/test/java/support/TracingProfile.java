package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The service on a Redis of its own with tracing on: every span sampled and handed at once to
 * {@link InMemorySpans}; no OTLP exporter, so nothing leaves the test. Cache writes the store cannot
 * take are dropped ({@code write-failure=drop}); every other profile keeps the default, reject.
 */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.traces.sampler", "always_on",
                "quarkus.otel.simple", "true",
                // Should the spans still go through the batch processor, they leave it within 50 ms, not 5 s.
                "quarkus.otel.bsp.schedule.delay", "50ms",
                "quarkus.otel.exporter.otlp.enabled", "false",
                "cache-domain.cache.write-failure", "drop");
    }
}
