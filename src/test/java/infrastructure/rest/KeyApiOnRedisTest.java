package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import infrastructure.values.ValueCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisStoreProfile;
import support.SharedRedis;
import support.SseClient;

/**
 * A project's keys over HTTP on Redis, where every project encrypts (see {@link RedisStoreProfile}):
 * a rotation re-encrypts every stored value under its new key, reports itself as a progress
 * operation a client follows over SSE, and disables the old key.
 */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class KeyApiOnRedisTest {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "cache-domain.redis.key-prefix")
    String keyPrefix;

    private String project;
    private String writer;
    private String admin;

    @BeforeEach
    void newProject() {
        project = freshProject();
        writer = keyFor(List.of(project), "cache:read", "cache:write");
        admin = keyFor(List.of(project), "admin", "progress:read");
    }

    private String keys() {
        return "/v1/admin/projects/" + project + "/keys";
    }

    private byte[] stored(String key) {
        return REDIS.getRedis().send(Request.cmd(Command.HGET).arg(keyPrefix + ":c:{p:" + project + "}:" + key).arg("v"))
                .await().atMost(Duration.ofSeconds(2)).toBytes();
    }

    @Test
    void rotatesTheKeyReEncryptsEveryValueAndDisablesTheOldKey() {
        for (int i = 0; i < 30; i++) {
            as(writer).body(Map.of("value", Map.of("n", i))).put("/v1/projects/" + project + "/cache/k" + i).then().statusCode(201);
        }
        String oldKey = as(admin).get(keys()).then().statusCode(200)
                .body("keys.size()", equalTo(1)).body("lastRotation", nullValue()).extract().path("primaryKey");

        var started = as(admin).post(keys() + "/rotate").then().statusCode(202)
                .contentType("application/json").body("progressId", notNullValue()).extract();
        String newKey = started.path("primaryKey");
        String eventsUrl = started.path("eventsUrl");
        assertThat(newKey).isNotEqualTo(oldKey);

        try (SseClient.Stream stream = SseClient.open(URI.create("http://localhost:" + RestAssured.port + eventsUrl),
                Map.of("Authorization", "Bearer " + admin))) {
            assertThat(stream.status()).isEqualTo(200);
            List<SseClient.Event> events = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.isEmpty() || !List.of("completed", "failed").contains(events.get(events.size() - 1).type())) {
                assertThat(System.nanoTime()).as("the rotation ends within %s", WAIT).isLessThan(deadline);
                events.add(stream.next(WAIT));
            }
            assertThat(events.get(0).type()).isEqualTo("snapshot");
            assertThat(events).anySatisfy(e -> assertThat(e.json().get("message").asText()).startsWith("re-encrypting"));
            SseClient.Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("completed");
            assertThat(last.json().get("message").asText()).contains("30 of 30 values re-encrypted")
                    .contains("keys disabled: [" + oldKey + "]");
        }
        Awaitility.await().atMost(WAIT).untilAsserted(() -> as(admin).get(keys()).then().statusCode(200)
                .body("lastRotation.finishedAt", notNullValue()));

        as(admin).get(keys()).then()
                .body("primaryKey", equalTo(newKey))
                .body("keys.find { it.id == '" + oldKey + "' }.status", equalTo("disabled"))
                .body("keys.find { it.id == '" + newKey + "' }.status", equalTo("enabled"))
                .body("lastRotation.primaryKey", equalTo(newKey));
        as(admin).get("/v1/projects/" + project + "/progress/" + started.path("progressId")).then().statusCode(200)
                .body("status", equalTo("COMPLETED"));
        for (int i = 0; i < 30; i++) {
            as(writer).get("/v1/projects/" + project + "/cache/k" + i).then().statusCode(200).body("value.n", equalTo(i));
            assertThat(ValueCodec.keyIdOf(stored("k" + i))).hasValue(Integer.parseUnsignedInt(newKey));
        }
    }

    @Test
    void refusesASecondRotationWhileTheFirstIsUnfinished() {
        as(writer).body(Map.of("value", 1)).put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        String first = as(admin).post(keys() + "/rotate").then().statusCode(202).extract().path("primaryKey");

        as(admin).post(keys() + "/rotate").then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("key-rotation-" + first));

        Awaitility.await().atMost(WAIT).untilAsserted(() -> as(admin).get(keys()).then()
                .body("lastRotation.finishedAt", notNullValue()));
        String second = as(admin).post(keys() + "/rotate").then().statusCode(202).extract().path("primaryKey");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void rotatesOnlyWithTheAdminScopeOnTheProject() {
        as(writer).post(keys() + "/rotate").then().statusCode(403).contentType("application/problem+json");
        as(keyFor(List.of(freshProject()), "admin")).post(keys() + "/rotate").then().statusCode(403);
        as(writer).get(keys()).then().statusCode(403);
    }

    @Test
    void reportsTheEncryptionSettingInTheHealthReportWithoutKeyMaterial() {
        String report = support.Api.asAdmin().get("/v1/admin/health").then().statusCode(200)
                .body("values.encrypted", equalTo(true))
                .body("values.compression.minSize", equalTo(1024))
                .extract().asString();

        assertThat(report).contains("\"keyEncryptionKey\":\"local-").doesNotContain(RedisStoreProfile.KEK);
    }

    @Test
    void rotatesTheSessionsKeyForAnAdministratorOfEveryProjectOnly() {
        support.Api.asAdmin().body(Map.of("userId", "ada", "userData", Map.of("n", 1), "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201);
        as(admin).post("/v1/admin/sessions/keys/rotate").then().statusCode(403).contentType("application/problem+json");
        as(admin).get("/v1/admin/sessions/keys").then().statusCode(403);

        var started = support.Api.asAdmin().post("/v1/admin/sessions/keys/rotate").then().statusCode(202).extract();
        String primary = started.path("primaryKey");

        assertThat(java.time.Instant.parse(started.path("retiresOlderKeysAt")))
                .as("once the longest session (30 days by default) has ended")
                .isAfter(java.time.Instant.parse(started.path("startedAt")).plus(Duration.ofDays(30)));
        support.Api.asAdmin().get("/v1/admin/sessions/keys").then().statusCode(200)
                .body("primaryKey", equalTo(primary))
                .body("keys.findAll { it.status == 'enabled' }.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                .body("lastRotation.primaryKey", equalTo(primary))
                .body("lastRotation.finishedAt", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void showsNoKeysForAProjectThatNeverEncrypted() {
        as(admin).get(keys()).then().statusCode(200)
                .body("project", equalTo(project)).body("primaryKey", nullValue()).body("keys.size()", equalTo(0));
    }
}
