package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Api;
import support.Http;
import support.Metrics;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;
import support.Tenant;

/**
 * A capability's circuit breaker opens when the store keeps failing, shows as open in readiness,
 * in the metrics and in the admin health report, answers at once by the failure policy while open,
 * and closes by itself once the store is back.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class CircuitBreakerTest {

    @OwnRedisResource.Handle
    RedisServer redis;

    @BeforeEach
    void redisIsOurs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not stop");
    }

    @Test
    void opensOnStoreFailuresShowsEverywhereAndClosesWhenTheStoreReturns() {
        Tenant tenant = Tenant.withEveryCapability();
        assertThat(breakerInReadiness("cache")).isEqualTo("closed");

        redis.stop(true);
        try {
            Awaitility.await("the cache breaker opens").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        assertThat(tenant.writeEntry().status()).isEqualTo(503);
                        return breakerInReadiness("cache").equals("open");
                    });

            assertThat(Metrics.scrape().value("breaker_state", "breaker", "cache", "state", "open")).isEqualTo(1.0);
            JsonPath health = JsonPath.from(Http.get("/v1/admin/health", Api.BOOTSTRAP_KEY).body());
            assertThat(health.getString("status")).isEqualTo("DOWN");
            assertThat(health.getString("breakers.cache")).isEqualTo("open");
            assertThat(health.getBoolean("store.reachable")).isFalse();
            assertThat(tenant.readEntry().status()).as("an open breaker still answers reads with misses").isEqualTo(404);
            assertThat(RestAssured.get("/q/health/ready").jsonPath().getString("status")).isEqualTo("DOWN");
            assertThat(Http.get("/q/health/live", null).status()).as("liveness ignores the store: a restart would not help").isEqualTo(200);
        } finally {
            redis.restart();
        }

        Awaitility.await("the cache breaker closes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> tenant.writeEntry().status() == 200 && breakerInReadiness("cache").equals("closed"));
        assertThat(Metrics.scrape().value("breaker_state", "breaker", "cache", "state", "closed")).isEqualTo(1.0);
        assertThat(tenant.readEntry().status()).isEqualTo(200);

        // Leave the service as the next class on this profile expects it: every breaker closed. The apikeys breaker may
        // have opened too (the held keys are dropped with the lost connection, so lookups failed); it closes on the
        // first lookup after its delay, such as creating a key.
        Awaitility.await("every breaker closes").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Tenant.withEveryCapability() != null && RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    /** The breaker's state as the readiness check "circuit-breakers" reports it. */
    private static String breakerInReadiness(String breaker) {
        JsonPath ready = JsonPath.from(Http.get("/q/health/ready", null).body());
        return ready.getString("checks.find { it.name == 'circuit-breakers' }.data." + breaker);
    }
}
