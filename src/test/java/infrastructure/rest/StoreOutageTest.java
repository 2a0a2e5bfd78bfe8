package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;

/**
 * The failure policy while Redis is gone: readiness DOWN, cache reads answer misses, writes and
 * sessions answer 503 problems (sessions fail closed), rate limits decide by their fail mode within
 * the bound and say degraded, nothing hangs; and everything serves again once Redis is back, without a restart.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class StoreOutageTest {

    /** The store timeout (1 s) plus a margin for a loaded machine. */
    private static final long BOUND_MILLIS = 3_000;

    @OwnRedisResource.Handle
    RedisServer redis;

    String project;
    String key;

    @BeforeEach
    void redisIsUp() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not stop");
        project = freshProject();
        key = cacheKeyFor(project);
    }

    @Test
    void degradesWhileRedisIsDownAndRecoversWhenItReturns() {
        String entry = "/v1/projects/" + project + "/cache/k";
        as(key).body("{\"value\": 1}").put(entry).then().statusCode(201);
        String backend = support.Api.keyFor(List.of(project), "sessions");
        String token = as(backend).body(Map.of("userId", "u1", "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        as(backend).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(200);
        String limiter = support.Api.keyFor(List.of(project), "rate-limits");
        String open = "open-" + project;
        String closed = "closed-" + project;
        support.Api.asAdmin().body(Map.of("limits", List.of(Map.of("requests", 10, "windowSeconds", 60)), "failMode", "open"))
                .put("/v1/rate-limit-policies/" + open).then().statusCode(201);
        support.Api.asAdmin().body(Map.of("limits", List.of(Map.of("requests", 10, "windowSeconds", 60),
                        Map.of("requests", 100, "windowSeconds", 3600)), "failMode", "closed"))
                .put("/v1/rate-limit-policies/" + closed).then().statusCode(201);
        checkLimit(limiter, open).then().body("allowed", equalTo(true)).body("degraded", equalTo(false));
        checkLimit(limiter, closed).then().body("allowed", equalTo(true)).body("degraded", equalTo(false));
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        redis.stop(true);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
            RestAssured.get("/q/health/ready").then().body("status", equalTo("DOWN"));

            Response read = timed(() -> as(key).get(entry));
            read.then().statusCode(404).contentType("application/problem+json");

            // Sessions fail closed: never a session accepted that could not be checked.
            timed(() -> as(backend).body(Map.of("token", token)).post("/v1/sessions/validate"))
                    .then().statusCode(503).contentType("application/problem+json");
            timed(() -> RestAssured.given().header("Authorization", "Bearer " + token).get("/v1/sessions/current"))
                    .then().statusCode(503);

            // Rate limits decide by each policy's fail mode, within the store timeout (50 ms) plus HTTP.
            timedWithin(RATE_LIMIT_BOUND_MILLIS, () -> checkLimit(limiter, open)).then().statusCode(200)
                    .body("allowed", equalTo(true)).body("degraded", equalTo(true));
            Response refused = timedWithin(RATE_LIMIT_BOUND_MILLIS, () -> checkLimit(limiter, closed));
            refused.then().statusCode(200).body("allowed", equalTo(false)).body("degraded", equalTo(true))
                    .header("Retry-After", equalTo("1"))
                    // the tightest window, as a normal answer reports it: the minute, not the hour
                    .body("limit", equalTo(10)).body("remaining", equalTo(0)).body("resetSeconds", equalTo(60));
            assertThat(degradedDecisions()).as("degraded decisions are counted").isGreaterThanOrEqualTo(2);

            Response write = timed(() -> as(key).body("{\"value\": 2}").put(entry));
            write.then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("1"))
                    .body("type", equalTo("urn:cache-domain:problem:store-unavailable"));
        } finally {
            redis.restart();
        }

        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200
                        && as(key).get(entry).statusCode() == 200);
        as(key).get(entry).then().body("value", equalTo(1));
        as(key).body("{\"value\": 3}").put(entry).then().statusCode(200);
        as(backend).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(200);
        checkLimit(limiter, closed).then().body("allowed", equalTo(true)).body("degraded", equalTo(false));
    }

    /** Degraded rate limit checks from the Prometheus endpoint, which needs no store. */
    private static double degradedDecisions() {
        return RestAssured.get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("operations_degraded_total{capability=\"ratelimit\",operation=\"check\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private Response checkLimit(String limiter, String policy) {
        return as(limiter).body(Map.of("policy", policy, "scope", "ip", "identifier", "192.0.2.7"))
                .post("/v1/projects/" + project + "/rate-limits/check");
    }

    /** The rate limit store timeout (50 ms) plus a margin for HTTP on a loaded machine. */
    private static final long RATE_LIMIT_BOUND_MILLIS = 50 + 250;

    private static Response timed(java.util.function.Supplier<Response> request) {
        return timedWithin(BOUND_MILLIS, request);
    }

    private static Response timedWithin(long bound, java.util.function.Supplier<Response> request) {
        long start = System.nanoTime();
        Response response = request.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("answered within the store timeout plus a margin").isLessThan(bound);
        return response;
    }
}
