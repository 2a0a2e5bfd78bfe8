package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.Http;
import support.OwnRedisResource;
import support.RedisServer;
import support.TracingProfile;

/**
 * {@code GET /v1/admin/health} tells an administrator how the store and the service are doing:
 * PING latency, memory used and its limit, the eviction policy (with a warning when it could evict
 * sessions or keys), the store's slow log by command name only, the breakers, and slow operations.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class AdminHealthTest {

    @OwnRedisResource.Handle
    RedisServer redis;

    @Test
    void reportsTheStoreTheBreakersAndNoWarningsWhenAllIsWell() {
        JsonPath report = asAdmin().get("/v1/admin/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("store.type", equalTo("redis"))
                .body("store.reachable", equalTo(true))
                .body("store.version", notNullValue())
                .body("store.latencyMillis", greaterThanOrEqualTo(0f))
                .body("store.memory.usedBytes", greaterThan(0))
                .body("store.evictionPolicy", equalTo("noeviction"))
                .body("slowOperations.thresholdMillis", equalTo(100.0f))
                .extract().jsonPath();

        assertThat(report.getMap("breakers")).containsOnlyKeys("cache", "sessions", "ratelimit", "apikeys", "progress", "tasks")
                .containsValues("closed");
        assertThat(report.getList("warnings")).isEmpty();
    }

    @Test
    void itsSecuritySectionWarnsOfAStoreWithoutPasswordAndWithProtectedModeOffWithoutDegradingTheReport() {
        // The test's Redis: on this machine, no password, protected-mode no (see RedisServer).
        JsonPath report = asAdmin().get("/v1/admin/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("store.security.tls", equalTo(false))
                .body("store.security.auth", equalTo("none"))
                .body("store.security.user", equalTo("default"))
                .body("store.security.protectedMode", equalTo(false))
                .extract().jsonPath();

        List<String> warnings = report.getList("store.security.warnings", String.class);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("asks no password");
        assertThat(warnings.get(1)).contains("protected-mode no");
        assertThat(report.getList("warnings")).as("a choice on this machine, not a degradation").isEmpty();
    }

    @Test
    void warnsWhenTheEvictionPolicyCouldEvictSessionsAndKeysAndShowsMemoryAgainstItsLimit() throws IOException {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not reconfigure");
        redis.command("CONFIG SET maxmemory-policy allkeys-lru");
        redis.command("CONFIG SET maxmemory 1gb");
        try {
            JsonPath report = asAdmin().get("/v1/admin/health").then().statusCode(200)
                    .body("status", equalTo("DEGRADED"))
                    .body("store.evictionPolicy", equalTo("allkeys-lru"))
                    .body("store.memory.maxBytes", equalTo(1073741824))
                    .extract().jsonPath();

            assertThat(report.getDouble("store.memory.usedPercent")).isGreaterThan(0).isLessThan(100);
            assertThat(report.getList("warnings", String.class)).singleElement().asString()
                    .contains("allkeys-lru", "API keys", "sessions", "noeviction");
        } finally {
            redis.command("CONFIG SET maxmemory-policy noeviction");
            redis.command("CONFIG SET maxmemory 0");
        }
        asAdmin().get("/v1/admin/health").then().body("status", equalTo("UP")).body("store.memory.usedPercent", equalTo(null));
    }

    @Test
    void listsTheStoresSlowCommandsByNameWithoutTheirArguments() throws IOException {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not reconfigure");
        String project = freshProject();
        String key = cacheKeyFor(project);
        redis.command("CONFIG SET slowlog-log-slower-than 0");
        try {
            as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/secret-name").then().statusCode(201);
        } finally {
            redis.command("CONFIG SET slowlog-log-slower-than 10000");
        }

        JsonPath report = asAdmin().get("/v1/admin/health").then().statusCode(200).extract().jsonPath();

        assertThat(report.getLong("store.slowlog.length")).isPositive();
        List<String> commands = report.getList("store.slowlog.recent.command", String.class);
        assertThat(commands).isNotEmpty().allMatch(c -> c.matches("[A-Z|]+"), "a bare command name");
        assertThat(report.prettify()).doesNotContain("secret-name").doesNotContain(project);
        redis.command("SLOWLOG RESET");
    }

    @Test
    void remembersOperationsSlowerThanTheThreshold() throws Exception {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not pause");
        String project = freshProject();
        String key = cacheKeyFor(project);
        as(key).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);

        redis.pause();
        CompletableFuture<Http.Answer> slowRead = CompletableFuture.supplyAsync(() -> Http.get("/v1/projects/" + project + "/cache/k", key));
        long frozen = System.nanoTime();
        try {
            // Redis stays frozen for 300 ms, which makes the read that waits on it slow.
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> System.nanoTime() - frozen >= Duration.ofMillis(300).toNanos());
        } finally {
            redis.resume();
        }
        assertThat(slowRead.get().status()).isIn(200, 404);

        JsonPath report = asAdmin().get("/v1/admin/health").then().statusCode(200).extract().jsonPath();
        assertThat(report.getLong("slowOperations.total")).isPositive();
        List<Map<String, Object>> recent = report.getList("slowOperations.recent");
        assertThat(recent).isNotEmpty().allSatisfy(op -> {
            assertThat(((Number) op.get("millis")).doubleValue()).isGreaterThan(100.0);
            assertThat((String) op.get("operation")).matches("[a-z]+\\.[a-z-.]+");
        });
    }

    @Test
    void isForAdministratorsOnly() {
        String project = freshProject();
        as(keyFor(List.of(project), "cache:read")).get("/v1/admin/health").then().statusCode(403)
                .body("type", equalTo("urn:cache-domain:problem:forbidden"));
    }
}
