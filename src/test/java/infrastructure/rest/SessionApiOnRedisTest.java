package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import support.RedisStoreProfile;

/** The session API on Redis, plus what only Redis can show: the keys of an ended session are gone. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class SessionApiOnRedisTest extends SessionApiTests {

    @Inject
    ReactiveRedisDataSource redis;

    private List<String> keysMentioning(String sessionId) {
        List<String> found = new ArrayList<>();
        String cursor = "0";
        do {
            var reply = redis.execute(Command.SCAN, cursor, "MATCH", "*" + sessionId + "*", "COUNT", "1000")
                    .await().atMost(Duration.ofSeconds(5));
            cursor = reply.get(0).toString();
            reply.get(1).forEach(k -> found.add(k.toString()));
        } while (!cursor.equals("0"));
        return found;
    }

    private long indexed(String sessionId, String userTagKeySuffix) {
        List<String> zsets = new ArrayList<>();
        String cursor = "0";
        do {
            var reply = redis.execute(Command.SCAN, cursor, "MATCH", "*:{u:" + sessionId.substring(0, 16) + "}:" + userTagKeySuffix,
                    "COUNT", "1000").await().atMost(Duration.ofSeconds(5));
            cursor = reply.get(0).toString();
            reply.get(1).forEach(k -> zsets.add(k.toString()));
        } while (!cursor.equals("0"));
        long n = 0;
        for (String z : zsets) {
            var score = redis.execute(Command.ZSCORE, z, sessionId).await().atMost(Duration.ofSeconds(5));
            n += score == null ? 0 : 1;
        }
        return n;
    }

    @Test
    void keepsTheUserDataEncryptedInRedisAndServesItInClear() {
        String marker = "marker-" + java.util.UUID.randomUUID();
        Response opened = open(backend, java.util.Map.of("userId", user, "userData", java.util.Map.of("secret", marker),
                "projectAccess", List.of(project)));
        String sessionId = opened.path("sessionId");

        String key = keysMentioning(sessionId).get(0);
        byte[] stored = redis.execute(Command.HGET, key, "ud").await().atMost(Duration.ofSeconds(5)).toBytes();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.UTF_8)).startsWith("\u0001").doesNotContain(marker);
        current(opened.path("token")).then().statusCode(200).body("userData.secret", org.hamcrest.Matchers.equalTo(marker));
    }

    @Test
    void deletesTheKeysOfARevokedRotatedOrLoggedOutSession() {
        Response revoked = open();
        Response loggedOut = open();
        Response rotated = open();
        String revokedId = revoked.path("sessionId");
        String loggedOutId = loggedOut.path("sessionId");
        assertThat(keysMentioning(revokedId)).hasSize(1);

        as(backend).delete("/v1/sessions/" + revokedId).then().statusCode(204);
        current(loggedOut.path("token")).then().statusCode(200);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + loggedOut.<String>path("token"))
                .delete("/v1/sessions/current").then().statusCode(204);
        as(backend).post("/v1/sessions/" + rotated.path("sessionId") + "/rotate").then().statusCode(200);

        assertThat(keysMentioning(revokedId)).isEmpty();
        assertThat(keysMentioning(loggedOutId)).isEmpty();
        assertThat(indexed(revokedId, "e") + indexed(revokedId, "o")).isZero();
        assertThat(indexed(loggedOutId, "e") + indexed(loggedOutId, "o")).isZero();
    }

    @Test
    void deletesEveryKeyOfAUserWhoseSessionsWereAllRevoked() {
        List<String> ids = List.of(open().path("sessionId"), open().path("sessionId"));

        as(backend).delete("/v1/users/" + user + "/sessions").then().statusCode(200);

        ids.forEach(id -> assertThat(keysMentioning(id)).isEmpty());
        ids.forEach(id -> assertThat(indexed(id, "e") + indexed(id, "o")).isZero());
    }
}
