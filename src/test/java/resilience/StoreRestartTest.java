package resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.asAdmin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Api;
import support.Http;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;
import support.Tenant;

/**
 * Redis restarted with its data saved: the service reconnects by itself, nobody restarts it, and
 * nothing Redis kept is lost: cache entries and their version sequence, sessions, API keys, rate
 * limit policies and counters.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class StoreRestartTest {

    @OwnRedisResource.Handle
    RedisServer redis;

    @BeforeEach
    void redisIsOurs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not restart");
    }

    @Test
    void reconnectsByItselfAndLosesNothingRedisKept() {
        Tenant tenant = Tenant.withEveryCapability();
        String unseenKey = Api.keyFor(List.of(tenant.project), "cache:read");
        String counted = "counted-" + tenant.project;
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 10, "windowSeconds", 86_400)), "failMode", "closed"))
                .put("/v1/rate-limit-policies/" + counted).then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            assertThat(Tenant.json(tenant.check(counted)).get("remaining").asInt()).isEqualTo(9 - i);
        }
        JsonNode entry = Tenant.json(tenant.readEntry());
        JsonNode session = Tenant.json(tenant.validateSession());

        redis.stop(true);
        redis.restart();
        Duration reconnected = Mix.awaitNormalService(tenant, unseenKey, Duration.ofSeconds(15));
        System.out.printf("Redis restarted: the service served normally again %d ms after it was back%n", reconnected.toMillis());

        JsonNode reread = Tenant.json(tenant.readEntry());
        assertThat(reread.get("value")).isEqualTo(entry.get("value"));
        assertThat(reread.get("createdAt")).isEqualTo(entry.get("createdAt"));
        assertThat(Tenant.json(tenant.validateSession()).get("sessionId")).isEqualTo(session.get("sessionId"));
        assertThat(Http.get(tenant.entryPath(), unseenKey).status()).as("a key never used before authenticates").isEqualTo(200);
        assertThat(Http.get("/v1/rate-limit-policies/" + counted, Api.BOOTSTRAP_KEY).status()).isEqualTo(200);
        JsonNode check = Tenant.json(tenant.check(counted));
        assertThat(check.get("degraded").asBoolean()).isFalse();
        assertThat(check.get("remaining").asInt()).as("the counts made before the restart still count").isEqualTo(6);
        long versionBefore = entry.get("version").asLong();
        Http.Answer write = tenant.writeEntry();
        assertThat(Tenant.json(write).get("version").asLong()).as("versions are never reused").isGreaterThan(versionBefore + 1);
    }
}
