package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Http;
import support.OwnRedisResource;
import support.RedisClients;
import support.RedisInspection;
import support.RedisServer;
import support.TracingProfile;

/**
 * Every use case is a span named {@code <capability>.<operation>} that carries the project, the
 * operation and its outcome, and no span anywhere carries a token, an API key or a cache key.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class TracingTest {

    static final AttributeKey<String> PROJECT = AttributeKey.stringKey("project.id");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

    @Inject
    InMemorySpanExporter spans;

    @Inject
    domain.access.Revocations revocations;

    @OwnRedisResource.Handle
    RedisServer redis;

    String project;
    String key;

    @BeforeEach
    void aProjectAndAKey() {
        project = freshProject();
        key = cacheKeyFor(project);
        spans.reset();
    }

    @Test
    void tracesEachUseCaseWithItsProjectOperationAndOutcome() {
        as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/present").then().statusCode(201);
        as(key).get("/v1/projects/" + project + "/cache/present").then().statusCode(200);
        as(key).get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);
        String limiter = keyFor(List.of(project), "rate-limits");
        as(limiter).body(Map.of("policy", "default", "scope", "user", "identifier", "u1"))
                .post("/v1/projects/" + project + "/rate-limits/check").then().statusCode(200);
        String backend = keyFor(List.of(project), "sessions");
        String token = as(backend).body(Map.of("userId", "u1", "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        as(backend).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(200);

        SpanData write = awaitSpan("cache.write", Map.of(PROJECT, project));
        SpanData hit = awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "hit"));
        SpanData miss = awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "miss"));
        SpanData check = awaitSpan("ratelimit.check", Map.of(PROJECT, project));
        SpanData validate = awaitSpan("sessions.validate", Map.of());
        SpanData authenticate = awaitSpan("apikeys.authenticate", Map.of(OUTCOME, "known"));

        assertThat(write.getAttributes().get(OPERATION)).isEqualTo("cache.write");
        assertThat(write.getAttributes().get(OUTCOME)).isEqualTo("ok");
        assertThat(hit.getAttributes().get(OPERATION)).isEqualTo("cache.read");
        assertThat(miss.getAttributes().get(OPERATION)).isEqualTo("cache.read");
        assertThat(check.getAttributes().get(OUTCOME)).isEqualTo("allowed");
        assertThat(validate.getAttributes().get(OUTCOME)).isEqualTo("valid");
        assertThat(authenticate.getAttributes().get(OPERATION)).isEqualTo("apikeys.authenticate");
        assertThat(hit.getParentSpanContext().isValid()).as("a use case's span is a child of the request's").isTrue();
    }

    @Test
    void marksAnswersTheFailurePolicyGaveWhileTheStoreIsDown() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not stop");
        as(key).get("/v1/projects/" + project + "/cache/warm").then().statusCode(404);
        String backend = keyFor(List.of(project), "sessions");
        String token = as(backend).body(Map.of("userId", "u1", "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        redis.stop(true);
        try {
            as(key).get("/v1/projects/" + project + "/cache/gone").then().statusCode(404);
            // This profile drops writes the store cannot take: 202, not stored.
            as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/gone").then().statusCode(202)
                    .body("stored", org.hamcrest.Matchers.equalTo(false));
            as(backend).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(503);

            awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "degraded"));
            awaitSpan("cache.write", Map.of(PROJECT, project, OUTCOME, "degraded"));
            awaitSpan("sessions.validate", Map.of(OUTCOME, "unavailable"));
        } finally {
            redis.restart();
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void neverRecordsATokenAnApiKeyOrTenantDataInAnySpan() {
        String cacheKey = "card-" + UUID.randomUUID();
        String identifier = "ip-" + UUID.randomUUID();
        as(key).body("{\"value\": 1, \"tags\": [\"t\"]}").put("/v1/projects/" + project + "/cache/" + cacheKey).then().statusCode(201);
        as(key).get("/v1/projects/" + project + "/cache/" + cacheKey).then().statusCode(200);
        as(key).get("/v1/projects/" + project + "/cache?pattern=" + cacheKey + "*").then().statusCode(200);
        String limiter = keyFor(List.of(project), "rate-limits");
        as(limiter).get("/v1/projects/" + project + "/rate-limits/default/user/" + identifier).then().statusCode(200);
        String backend = keyFor(List.of(project), "sessions");
        String token = as(backend).body(Map.of("userId", "u-" + UUID.randomUUID(), "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        as(backend).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + token).get("/v1/sessions/current").then().statusCode(200);
        awaitSpan("sessions.current", Map.of());
        String verifier = token.substring(token.indexOf('.') + 1);

        List<String> recorded = spans.getFinishedSpanItems().stream()
                .flatMap(s -> java.util.stream.Stream.concat(java.util.stream.Stream.of(s.getName()),
                        s.getAttributes().asMap().values().stream().map(String::valueOf)))
                .toList();

        assertThat(recorded).as("spans were recorded").isNotEmpty();
        assertThat(recorded).noneMatch(v -> v.contains(key) || v.contains(limiter) || v.contains(backend))
                .noneMatch(v -> v.contains(verifier) || v.contains(support.Api.BOOTSTRAP_KEY))
                .noneMatch(v -> v.contains(cacheKey) || v.contains(identifier));
        assertThat(recorded).as("the redacted path still tells the route").anyMatch(v -> v.endsWith("/cache/{key}"));
    }

    @Test
    void tracesACacheReadWithItsUseCaseSpanButNoSpanPerRedisCommand() {
        as(key).get("/v1/projects/" + project + "/cache/warm").then().statusCode(404);
        spans.reset();

        as(key).get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);
        SpanData read = awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "miss"));

        assertThat(spans.getFinishedSpanItems()).as("the request's trace")
                .filteredOn(s -> s.getTraceId().equals(read.getTraceId())).extracting(SpanData::getName)
                .contains("cache.read");
        assertThat(spans.getFinishedSpanItems()).as("no Redis command is a span of its own by default")
                .noneMatch(RedisCommandSpans::isRedisCommand);
    }

    @Test
    void answersTheBootstrapKeyAHeldKeyAndARefusedKeyWithoutAnAuthenticationSpan() {
        // Keys are held only while revocation notices reach the instance (another test restarts Redis).
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(revocations::live);
        String wrong = "cdk_" + UUID.randomUUID().toString().replace("-", "") + "0123456789a";
        as(key).get("/v1/projects/" + project + "/cache/first").then().statusCode(404);
        as(wrong).get("/v1/projects/" + project + "/cache/first").then().statusCode(401);
        awaitSpan("apikeys.authenticate", Map.of(OUTCOME, "known"));
        awaitSpan("apikeys.authenticate", Map.of(OUTCOME, "unknown"));
        spans.reset();

        as(key).get("/v1/projects/" + project + "/cache/held").then().statusCode(404);
        support.Api.asAdmin().get("/v1/projects/" + project + "/cache/bootstrap").then().statusCode(404);
        as(wrong).get("/v1/projects/" + project + "/cache/refused").then().statusCode(401);
        awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "miss"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("cache.read")).count() == 2);

        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .as("keys answered in process make no span of their own").doesNotContain("apikeys.authenticate");
    }

    @Test
    void keepsEveryRequestInItsOwnTraceWhenRequestsShareOneKeyLookup() throws Exception {
        String fresh = cacheKeyFor(project); // not yet used: the first requests with it look it up in the store
        int requests = 24;
        ReactiveRedisDataSource inspection = RedisClients.dataSource(redis.url());
        long lookupsBefore = RedisInspection.commandCalls(inspection).getOrDefault("get", 0L);
        spans.reset();
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            // Redis holds every command a moment, so that each request's key lookup joins the first one's.
            redis.command("CLIENT PAUSE 300 ALL");
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String path = "/v1/projects/" + project + "/cache/shared-" + i;
                answers.add(clients.submit(() -> Http.get(path, fresh)));
            }
            for (Future<Http.Answer> answer : answers) {
                assertThat(answer.get().status()).isEqualTo(404);
            }
        } finally {
            clients.shutdownNow();
        }
        long lookups = RedisInspection.commandCalls(inspection).getOrDefault("get", 0L) - lookupsBefore;
        assertThat(lookups).as("store lookups of the key: the requests shared them").isLessThan(requests / 2);

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> reads().size() == requests);
        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(reads()).extracting(SpanData::getTraceId).as("each request's read in a trace of its own").doesNotHaveDuplicates();
        for (SpanData read : reads()) {
            assertThat(all).filteredOn(s -> s.getTraceId().equals(read.getTraceId()) && s.getKind() == SpanKind.SERVER)
                    .as("the read's trace holds its own request").hasSize(1);
        }
    }

    @Test
    void makesEachRequestOneServerSpanNamedByItsRouteAndParentOfItsUseCase() {
        as(key).get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);
        SpanData read = awaitSpan("cache.read", Map.of(PROJECT, project, OUTCOME, "miss"));
        SpanData request = awaitServerSpan(read.getTraceId());

        assertThat(request.getName()).isEqualTo("GET /v1/projects/{projectId}/cache/{key}");
        Attributes attributes = request.getAttributes();
        assertThat(attributes.get(HttpAttributes.HTTP_ROUTE)).isEqualTo("/v1/projects/{projectId}/cache/{key}");
        assertThat(attributes.get(HttpAttributes.HTTP_REQUEST_METHOD)).isEqualTo("GET");
        assertThat(attributes.get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(404L);
        assertThat(attributes.get(UrlAttributes.URL_PATH)).as("redacted").isEqualTo("/v1/projects/" + project + "/cache/{key}");
        assertThat(attributes.get(UrlAttributes.URL_SCHEME)).isEqualTo("http");
        assertThat(attributes.get(ServerAttributes.SERVER_PORT)).isPositive();
        assertThat(attributes.get(ClientAttributes.CLIENT_ADDRESS)).isNotBlank();
        assertThat(request.getParentSpanContext().isValid()).as("a request without trace headers starts a trace").isFalse();
        assertThat(request.getStatus().getStatusCode()).as("a 4xx is the client's error, not the server's").isEqualTo(StatusCode.UNSET);
        assertThat(read.getParentSpanId()).as("the use case is the request's child").isEqualTo(request.getSpanId());
        assertThat(serverSpans()).filteredOn(s -> s.getTraceId().equals(read.getTraceId())).as("one request span, not two")
                .hasSize(1);
    }

    @Test
    void continuesTheCallersTraceFromItsTraceparentHeader() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpanId = traceId.substring(0, 16);
        as(key).header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);

        SpanData request = awaitServerSpan(traceId);

        assertThat(request.getParentSpanContext().isRemote()).isTrue();
        assertThat(request.getParentSpanId()).isEqualTo(callerSpanId);
    }

    @Test
    void namesRequestsRestEasyServesByTheirTemplateAndLeavesQuarkusEndpointsOut() {
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.get("/v1/no-such-route").then().statusCode(401);
        as(key).get("/v1/projects/" + project + "/cache?pattern=card-*").then().statusCode(200);

        SpanData listing = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> serverSpans().stream().filter(s -> s.getName().equals("GET /v1/projects/{projectId}/cache")).findFirst(),
                        Optional::isPresent)
                .get();

        assertThat(listing.getAttributes().get(UrlAttributes.URL_QUERY)).as("query values redacted").isEqualTo("pattern=redacted");
        assertThat(serverSpans()).as("the unknown path: no route, and its path as it came")
                .anyMatch(s -> s.getName().equals("GET") && "/v1/no-such-route".equals(s.getAttributes().get(UrlAttributes.URL_PATH))
                        && s.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE) == 401L);
        assertThat(serverSpans()).as("Quarkus's own endpoints make no span")
                .noneMatch(s -> String.valueOf(s.getAttributes().get(UrlAttributes.URL_PATH)).startsWith("/q/"));
    }

    @Test
    void tracesThePolicyApiOnlyWhenItWaitsForTheStore() {
        int requests = 10;
        for (int i = 0; i < requests; i++) {
            as(key).get("/v1/projects/" + project + "/cache/absent-" + i).then().statusCode(404);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> reads().size() == requests);

        long waited = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("ratelimit.check-api")).count();
        assertThat(waited).as("a new key's first request waits for its first lease, and the next few for leases sized to its pace")
                .isPositive()
                .as("the others are decided at once, from the units held, with no span").isLessThanOrEqualTo(3);
    }

    private List<SpanData> serverSpans() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
    }

    /** The request's span in that trace, waiting for it to be exported. */
    private SpanData awaitServerSpan(String traceId) {
        return Awaitility.await("the server span of " + traceId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> serverSpans().stream().filter(s -> s.getTraceId().equals(traceId)).findFirst(), Optional::isPresent)
                .get();
    }

    /** The finished cache reads of this test's project. */
    private List<SpanData> reads() {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("cache.read") && project.equals(s.getAttributes().get(PROJECT)))
                .toList();
    }

    /** The first finished span of that name with those attributes, waiting for it to be exported. */
    private SpanData awaitSpan(String name, Map<AttributeKey<String>, String> attributes) {
        return Awaitility.await(name + " " + attributes).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> find(name, attributes), Optional::isPresent).get();
    }

    private Optional<SpanData> find(String name, Map<AttributeKey<String>, String> attributes) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .filter(s -> attributes.entrySet().stream().allMatch(a -> a.getValue().equals(s.getAttributes().get(a.getKey()))))
                .findFirst();
    }
}
