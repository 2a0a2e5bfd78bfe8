package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
        String project = freshProject();
        String key = cacheKeyFor(project);
        as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(200);

        String openMetrics = RestAssured.given().accept("application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(openMetrics.lines().filter(line -> line.startsWith("operations_seconds_bucket{capability=\"cache\"")))
                .anySatisfy(line -> assertThat(line).contains("# {span_id=\"", "trace_id=\""));
    }
}
