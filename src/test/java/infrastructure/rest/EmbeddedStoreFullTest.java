package infrastructure.rest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import support.EmbeddedStoreProfile;

/**
 * The embedded store at its maximum size: writes get a 507 problem and change nothing, reads keep
 * working, the circuit breaker stays closed, and writes work again once space is freed.
 */
@QuarkusTest
@TestProfile(EmbeddedStoreFullTest.OneMebibyte.class)
class EmbeddedStoreFullTest {

    /** The embedded store with the smallest maximum size it takes. */
    public static class OneMebibyte implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new EmbeddedStoreProfile().getConfigOverrides());
            config.put("cache-domain.embedded.max-size", "1M");
            // As text: compressed, the test's repetitive values would never fill the file.
            config.put("cache-domain.values.compression.enabled", "false");
            return config;
        }
    }

    @Test
    void refusesWritesWithA507WhileReadsKeepWorking() {
        String project = freshProject();
        String key = cacheKeyFor(project);
        String value = "{\"value\": \"" + "x".repeat(50_000) + "\"}";
        int stored = 0;
        int status = 201;
        while (status == 201 && stored < 100) {
            status = as(key).body(value).put("/v1/projects/" + project + "/cache/k" + stored).then().extract().statusCode();
            stored += status == 201 ? 1 : 0;
        }

        as(key).body(value).put("/v1/projects/" + project + "/cache/one-more").then().statusCode(507)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:cache-domain:problem:store-full"));
        for (int i = 0; i < 25; i++) {
            as(key).body(value).put("/v1/projects/" + project + "/cache/one-more").then().statusCode(507);
        }
        as(key).get("/v1/projects/" + project + "/cache/k0").then().statusCode(200);
        as(key).get("/v1/projects/" + project + "/cache/one-more").then().statusCode(404);
        as(key).get("/v1/projects/" + project + "/cache-stats").then().statusCode(200).body("entries", equalTo(stored));

        as(key).delete("/v1/projects/" + project + "/cache").then().statusCode(200);
        as(key).body(value).put("/v1/projects/" + project + "/cache/one-more").then().statusCode(201);
    }
}
