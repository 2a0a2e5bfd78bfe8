package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import support.AclRedisProfile;
import support.AclRedisResource;
import support.SseClient;

/**
 * The service as the user of the shipped ACL rule (deploy/redis-acl.conf): every capability works, each
 * through its own scripts and commands, and the rule is in force (a command or key outside it is refused).
 */
@QuarkusTest
@TestProfile(AclRedisProfile.class)
class ServiceUnderAclTest {

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void everyCapabilityWorksUnderTheRule() throws Exception {
        String project = freshProject();
        String key = keyFor(List.of(project), "cache:read", "cache:write", "sessions", "rate-limits", "progress", "progress:read",
                "tasks", "admin");
        String cache = "/v1/projects/" + project + "/cache/";
        as(key).body("{\"value\": {\"n\": 1}, \"ttlSeconds\": 600, \"tags\": [\"red\"]}").put(cache + "a").then().statusCode(201);
        as(key).get(cache + "a").then().statusCode(200).body("value.n", equalTo(1));
        // The near cache holds copies only while its tracking connection (HELLO 3, CLIENT TRACKING) is live: under the rule too.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(support.Metrics.scrape().value("cache_near_state")).isEqualTo(1.0));
        as(key).get("/v1/projects/" + project + "/cache").then().statusCode(200);
        as(key).body("{\"tags\": [\"red\"]}").post(cache + "invalidations").then().statusCode(200);
        as(key).get(cache + "a").then().statusCode(404);

        Response session = as(key).body("{\"userId\": \"ada\", \"projectAccess\": [\"" + project + "\"]}").post("/v1/sessions");
        session.then().statusCode(201);
        as(key).body(Map.of("token", session.path("token"))).post("/v1/sessions/validate").then().statusCode(200);
        as(key).get("/v1/users/ada/sessions").then().statusCode(200);

        asAdmin().body("{\"limits\": [{\"requests\": 2, \"windowSeconds\": 60}]}").put("/v1/rate-limit-policies/acl-" + project)
                .then().statusCode(201);
        String check = "{\"policy\": \"acl-" + project + "\", \"scope\": \"user\", \"identifier\": \"ada\"}";
        as(key).body(check).post("/v1/projects/" + project + "/rate-limits/check").then().statusCode(200);

        String progress = "/v1/projects/" + project + "/progress";
        as(key).body("{\"correlationId\": \"job\", \"totalSteps\": 2}").post(progress).then().statusCode(201);
        try (SseClient.Stream events = SseClient.open(URI.create("http://localhost:" + port + progress + "/job/events"),
                Map.of("Authorization", "Bearer " + key))) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.next(Duration.ofSeconds(10)).type()).isEqualTo("snapshot");
            as(key).body("{\"message\": \"half\"}").post(progress + "/job/steps").then().statusCode(200);
            assertThat(events.next(Duration.ofSeconds(10)).type()).as("delivered through the pattern subscription").isEqualTo("progress");
        }

        String queue = "/v1/projects/" + project + "/queues/mail";
        as(key).body("{\"payload\": {\"to\": \"ada\"}}").post(queue + "/tasks").then().statusCode(201);
        Response claimed = as(key).body("{\"max\": 1, \"waitSeconds\": 5}").post(queue + "/claims");
        claimed.then().statusCode(200);
        List<String> tokens = claimed.path("tasks.leaseToken");
        List<String> ids = claimed.path("tasks.id");
        as(key).body("{\"leaseToken\": \"" + tokens.get(0) + "\"}").post(queue + "/tasks/" + ids.get(0) + "/complete").then().statusCode(200);

        as(key).get("/v1/admin/projects/" + project + "/export").then().statusCode(200);
        asAdmin().get("/v1/admin/credentials/export").then().statusCode(200);
        asAdmin().get("/v1/admin/projects").then().statusCode(200).body("items", hasItem(project));
    }

    @Test
    void theHealthReportTellsTheAclUserAndThatTheStoreWouldNotTellItsProtectedMode() {
        asAdmin().get("/v1/admin/health").then().statusCode(200)
                .body("store.security.auth", equalTo("acl-user"))
                .body("store.security.user", equalTo("cache-domain"))
                .body("store.security.tls", equalTo(false))
                .body("store.security.protectedMode", equalTo(null))
                .body("store.security.warnings", equalTo(List.of()));
    }

    @Test
    void theRuleIsInForce() {
        io.quarkus.redis.datasource.ReactiveRedisDataSource redis = support.RedisClients.dataSource(
                "redis://cache-domain:" + AclRedisResource.PASSWORD + "@127.0.0.1:" + AclRedisResource.port);

        assertThat(answer(redis, "SET", "cd:acl-probe", "1")).isEqualTo("OK");
        assertThat(answer(redis, "SET", "elsewhere", "1")).contains("NOPERM");
        assertThat(answer(redis, "FLUSHALL")).contains("NOPERM");
        assertThat(answer(redis, "KEYS", "*")).contains("NOPERM");
        assertThat(answer(redis, "CONFIG", "GET", "requirepass")).contains("NOPERM");
    }

    /** The server's answer as text, or its error's message. */
    private static String answer(io.quarkus.redis.datasource.ReactiveRedisDataSource redis, String command, String... args) {
        return redis.execute(io.vertx.mutiny.redis.client.Command.create(command), args)
                .map(String::valueOf)
                .onFailure().recoverWithItem(Throwable::getMessage)
                .await().atMost(Duration.ofSeconds(5));
    }
}
