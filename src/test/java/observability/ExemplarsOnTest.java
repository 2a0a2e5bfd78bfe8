package observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import support.Metrics;
import support.TracingProfile;

/** With {@code cache-domain.metrics.exemplars=true}, histogram buckets name the sampled request that fell in them. */
@QuarkusTest
@TestProfile(ExemplarsOnTest.WithExemplars.class)
class ExemplarsOnTest {

    public static class WithExemplars extends TracingProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("cache-domain.metrics.exemplars", "true");
            return config;
        }
    }

    @Test
    void namesTheSampledRequestOfABucketInOpenMetrics() {
        String openMetrics = Metrics.openMetricsAfterACacheWriteAndRead();

        assertThat(openMetrics.lines().filter(line -> line.startsWith("operations_seconds_bucket{capability=\"cache\"")))
                .anySatisfy(line -> assertThat(line).contains("# {span_id=\"", "trace_id=\""));
    }
}
