package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import support.SseClient;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import support.Http;
import support.Metrics;
import support.PromQl;
import support.TracingProfile;

/**
 * {@code /q/metrics} exposes, per capability and operation, counts by outcome (so errors), a latency
 * histogram (buckets only: percentiles are the server's work), cache hits and misses, degraded answers and every breaker's state.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class MetricsTest {

    @Test
    void countsAndTimesEveryOperationByCapabilityOperationAndOutcome() {
        String project = freshProject();
        String key = cacheKeyFor(project);
        String other = cacheKeyFor(freshProject());
        Metrics before = Metrics.scrape();

        as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(200);
        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(200);
        as(key).get("/v1/projects/" + project + "/cache/none").then().statusCode(404);
        as(other).get("/v1/projects/" + project + "/cache/k").then().statusCode(403);
        Metrics after = Metrics.scrape();

        String[] okReads = {"capability", "cache", "operation", "read", "outcome", "ok"};
        assertThat(delta(before, after, "operations_seconds_count", okReads)).isEqualTo(3);
        assertThat(delta(before, after, "operations_seconds_count", "capability", "cache", "operation", "read", "outcome", "refused"))
                .as("a caller's mistake is counted apart from the store's failures").isEqualTo(1);
        assertThat(delta(before, after, "operations_seconds_count", "capability", "cache", "operation", "write", "outcome", "ok"))
                .isEqualTo(1);
        assertThat(after.series("operations_seconds_bucket", okReads)).as("latency histogram buckets")
                .extracting(s -> s.labels().get("le")).contains("1.0E-4", "2.5E-4", "0.001", "0.005", "0.1", "1.0", "+Inf");
        assertThat(after.series("operations_seconds", okReads)).as("no percentile is computed in process, on the hot path")
                .isEmpty();
        assertThat(delta(before, after, "cache_reads_total", "result", "hit")).isEqualTo(2);
        assertThat(delta(before, after, "cache_reads_total", "result", "miss")).isEqualTo(1);
        assertThat(after.samples()).as("no ft_* series: the guards' own metrics would repeat these at a price per call")
                .extracting(Metrics.Sample::name).noneMatch(name -> name.startsWith("ft_"));
    }

    @Test
    void exposesDegradedAnswersAndBreakerStatesBeforeAnythingFails() {
        Metrics metrics = Metrics.scrape();

        for (String[] degraded : List.of(new String[] {"cache", "read"}, new String[] {"cache", "write"},
                new String[] {"ratelimit", "check"}, new String[] {"ratelimit", "check-api"},
                new String[] {"apikeys", "authenticate"})) {
            assertThat(metrics.series("operations_degraded_total", "capability", degraded[0], "operation", degraded[1]))
                    .as("degraded %s.%s is a series from the start", degraded[0], degraded[1]).hasSize(1);
        }
        for (String breaker : List.of("cache", "sessions", "ratelimit", "apikeys", "progress", "tasks")) {
            assertThat(metrics.value("breaker_state", "breaker", breaker, "state", "closed")).as(breaker).isEqualTo(1.0);
            assertThat(metrics.value("breaker_state", "breaker", breaker, "state", "open")).as(breaker).isZero();
            assertThat(metrics.value("breaker_state", "breaker", breaker, "state", "half-open")).as(breaker).isZero();
        }
    }

    @Test
    void exposesTheJitCompilersTimeWhichTheBenchmarkWarmsUpUntilItStopsMoving() {
        // By the time a request is answered, the JIT has compiled something: the counter exists and has moved.
        assertThat(Metrics.scrape().series("jvm_compilation_time_ms_total")).as("the JIT compiler's time, bench/run's warm-up signal")
                .isNotEmpty().allSatisfy(sample -> assertThat(sample.value()).isPositive());
    }

    @Test
    void countsRateLimitSessionAndProgressOperationsToo() {
        String project = freshProject();
        String limiter = keyFor(List.of(project), "rate-limits", "sessions", "progress");
        as(limiter).body(Map.of("policy", "default", "scope", "user", "identifier", "u1"))
                .post("/v1/projects/" + project + "/rate-limits/check").then().statusCode(200);
        as(limiter).body(Map.of("token", "cds_not-a-token")).post("/v1/sessions/validate").then().statusCode(401);
        String operation = as(limiter).body(Map.of("totalSteps", 10)).post("/v1/projects/" + project + "/progress")
                .then().statusCode(201).extract().path("id");
        as(limiter).body(Map.of("message", "one")).post("/v1/projects/" + project + "/progress/" + operation + "/steps")
                .then().statusCode(200);
        as(limiter).body(Map.of("message", "two")).post("/v1/projects/" + project + "/progress/nope-" + operation + "/steps")
                .then().statusCode(404);
        Metrics metrics = Metrics.scrape();

        assertThat(metrics.value("operations_seconds_count", "capability", "ratelimit", "operation", "check", "outcome", "ok"))
                .isPositive();
        assertThat(metrics.value("operations_seconds_count", "capability", "ratelimit", "operation", "check-api", "outcome", "ok"))
                .as("a new key's first request waits for its lease of the policy api").isPositive();
        assertThat(metrics.value("ratelimit_api_decisions_total", "outcome", "allowed"))
                .as("the next ones are decided at once, from the units held").isPositive();
        assertThat(metrics.value("operations_seconds_count", "capability", "sessions", "operation", "validate", "outcome", "ok"))
                .isPositive();
        assertThat(metrics.value("operations_seconds_count", "capability", "apikeys", "operation", "authenticate", "outcome", "ok"))
                .isPositive();
        assertThat(metrics.value("operations_seconds_count", "capability", "progress", "operation", "step", "outcome", "ok"))
                .isPositive();
        assertThat(metrics.value("operations_seconds_count", "capability", "progress", "operation", "step", "outcome", "refused"))
                .as("a step of an unknown operation is counted by its outcome").isPositive();
    }

    @Test
    void neverLabelsARequestRefusedBeforeRoutingWithItsRawPath() {
        String secretish = "k" + "x".repeat(9_000) + System.nanoTime();
        String path = "/v1/projects/" + freshProject() + "/cache/" + secretish;

        assertThat(Http.get(path, null).status()).isEqualTo(414);
        Metrics after = Metrics.scrape();

        assertThat(after.series("http_server_requests_seconds_count"))
                .noneMatch(s -> s.labels().getOrDefault("uri", "").contains(secretish))
                .anyMatch(s -> "414".equals(s.labels().get("status")) && "UNKNOWN".equals(s.labels().get("uri")));
    }

    @Test
    void timesEachProgressEventFromItsTimeToItsFrameWrittenToAStream() {
        String project = freshProject();
        String key = keyFor(List.of(project), "progress");
        String operation = as(key).body(Map.of("totalSteps", 10)).post("/v1/projects/" + project + "/progress")
                .then().statusCode(201).extract().path("id");
        Metrics before = Metrics.scrape();
        URI events = URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + project + "/progress/" + operation + "/events");

        try (SseClient.Stream stream = SseClient.open(events, Map.of("Authorization", "Bearer " + key))) {
            stream.next(Duration.ofSeconds(10)); // the snapshot: not an event, so not timed
            for (String message : List.of("one", "two")) {
                as(key).body(Map.of("message", message)).post("/v1/projects/" + project + "/progress/" + operation + "/steps")
                        .then().statusCode(200);
                assertThat(stream.next(Duration.ofSeconds(10)).type()).isEqualTo("progress");
            }
        }
        // Timed as the frame is handed to the connection: by the time the client read it, it was counted.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(delta(before, Metrics.scrape(), "progress_delivery_seconds_count")).isEqualTo(2));
        Metrics after = Metrics.scrape();
        assertThat(after.series("progress_delivery_seconds_bucket")).as("delivery lag histogram buckets")
                .extracting(s -> s.labels().get("le")).contains("0.001", "0.05", "1.0", "+Inf");
        assertThat(after.series("progress_delivery_seconds")).as("no percentile is computed in process").isEmpty();
    }

    @Test
    void countsKeyLookupsInTheStoreApartFromAuthenticationsAnsweredInProcess() {
        String project = freshProject();
        String key = cacheKeyFor(project);
        String wrong = "cdk_" + java.util.UUID.randomUUID().toString().replace("-", "") + "0123456789a";
        String[] lookups = {"capability", "apikeys", "operation", "authenticate", "outcome", "ok"};
        Metrics before = Metrics.scrape();

        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);
        as(wrong).get("/v1/projects/" + project + "/cache/k").then().statusCode(401);
        Metrics looked = Metrics.scrape();
        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);
        as(wrong).get("/v1/projects/" + project + "/cache/k").then().statusCode(401);
        support.Api.asAdmin().get("/v1/projects/" + project + "/cache/k").then().statusCode(404);
        Metrics after = Metrics.scrape();

        assertThat(delta(before, looked, "operations_seconds_count", lookups)).as("a new key and a wrong one: two store lookups")
                .isEqualTo(2);
        assertThat(delta(looked, after, "operations_seconds_count", lookups)).as("their repeats and the bootstrap key: none")
                .isZero();
        assertThat(delta(looked, after, "apikeys_in_process_total", "answer", "known")).isEqualTo(1);
        assertThat(delta(looked, after, "apikeys_in_process_total", "answer", "unknown")).isEqualTo(1);
        assertThat(delta(looked, after, "apikeys_in_process_total", "answer", "bootstrap")).isEqualTo(1);
    }

    @Test
    void carriesNoExemplarsUnlessAskedSoNoObservationLooksASpanUp() {
        // Every span is sampled in this profile: with exemplars on, the buckets these requests fall in would name them.
        String openMetrics = Metrics.openMetricsAfterACacheWriteAndRead();

        assertThat(openMetrics).contains("operations_seconds_bucket{").doesNotContain("trace_id");
    }

    private static double delta(Metrics before, Metrics after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    /** Names the monitoring server itself makes, not the service. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");

    @Test
    void exposesEveryMetricTheAlertRulesName() throws Exception {
        String project = freshProject();
        String key = keyFor(List.of(project), "cache:read", "cache:write", "tasks");
        as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        as(key).body("{\"payload\": {}}").post("/v1/projects/" + project + "/queues/rules/tasks").then().statusCode(201);
        Set<String> named = PromQl.metricNames(PromQl.ruleExpressions(Path.of("deploy/prometheus/alerts.yaml")));

        assertThat(named).containsExactlyInAnyOrder("breaker_state", "operations_degraded_total", "operations_seconds_count",
                "redis_pool_queue_delay_seconds_max", "tasks_queue_oldest_age_seconds", "http_server_requests_seconds_count", "up");
        // Queue gauges are read every 15 s for the queues in use.
        Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> exposed = new java.util.HashSet<>();
            Metrics.scrape().samples().forEach(sample -> exposed.add(sample.name()));
            assertThat(named).allSatisfy(name -> assertThat(exposed.contains(name) || PROMETHEUS_OWN.contains(name))
                    .as("%s, named by the alert rules, is in /q/metrics", name).isTrue());
        });
    }
}
