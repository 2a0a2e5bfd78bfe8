package resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Api;
import support.Bounds;
import support.Http;
import support.Metrics;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;
import support.Tenant;
import support.Traffic;
import support.Traffic.Call;

/**
 * Redis hung for the real ten seconds (SIGSTOP: connections stay open, nothing answers), then
 * thawed: while it hangs, every request is answered within its timeouts plus a margin, by the
 * failure policy; within two seconds of its return every capability (cache, sessions, rate limits,
 * API key authentication) serves normally again, without restarting the service. A hung Redis
 * opens the rate limit breaker too: a check that got no answer at all within its budget saw a stall.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class StoreHangTest {

    private static final Duration HANG = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    @OwnRedisResource.Handle
    RedisServer redis;

    @BeforeEach
    void redisIsOurs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not freeze");
    }

    @Test
    void boundsEveryRequestWhileRedisHangsAndServesNormallyWithinTwoSecondsOfItsReturn() {
        Tenant tenant = Tenant.withEveryCapability();
        // A key no request has used yet: only Redis can authenticate it, so it shows authentication is back.
        String unseenKey = Api.keyFor(List.of(tenant.project, freshProject()), "cache:read");
        Mix.awaitNormalService(tenant, Duration.ofSeconds(10));

        List<Call> calls;
        long hung;
        long thawed;
        Duration recovered;
        double checksWhileHung;
        try (Traffic traffic = Traffic.start(4, Mix.of(tenant))) {
            double degradedBefore = Metrics.scrape().value("operations_degraded_total", "capability", "ratelimit");
            redis.pause();
            hung = System.nanoTime();
            try {
                Awaitility.await("readiness DOWN").atMost(Bounds.readiness().plusSeconds(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> Http.get("/q/health/ready", null).status() == 503);
                // A stall (no answer at all within a check's budget) is a store failure: the breaker opens.
                Awaitility.await("the rate limit breaker opens").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Metrics.scrape().value("breaker_state", "breaker", "ratelimit", "state", "open") == 1.0);
                // The fault lasts ten seconds whatever the service does meanwhile; the traffic keeps calling.
                Awaitility.await("Redis hung most of the time").atMost(HANG.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> System.nanoTime() - hung >= HANG.minusSeconds(2).toNanos());
                Metrics metrics = Metrics.scrape();
                checksWhileHung = metrics.value("operations_degraded_total", "capability", "ratelimit") - degradedBefore;
                Awaitility.await("Redis hung for " + HANG).atMost(HANG.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> System.nanoTime() - hung >= HANG.toNanos());
            } finally {
                // Before the signal, not after: Redis may answer while kill -CONT is still returning, and
                // a call answered then was not answered "while Redis hung".
                thawed = System.nanoTime();
                redis.resume();
            }
            recovered = Mix.awaitNormalService(tenant, unseenKey, RECOVERY);
            calls = traffic.stop();
        }

        System.out.printf("Redis hung %d s: %d calls, slowest %s (bound %d ms); every capability normal %d ms after it returned%n",
                HANG.toSeconds(), calls.size(), calls.stream().sorted((a, b) -> b.answer().took().compareTo(a.answer().took()))
                        .limit(5).map(c -> c.request() + " " + c.answer().millis() + " ms").toList(),
                Bounds.apiKeyRequest().toMillis(), recovered.toMillis());
        assertThat(recovered).as("every capability serves normally again").isLessThan(RECOVERY);
        Duration bound = Bounds.apiKeyRequest();
        assertThat(calls).allSatisfy(call -> assertThat(call.answer().took()).as(call.request()).isLessThan(bound));
        assertThat(calls).as("never a server fault").noneMatch(call -> call.answer().status() == 500 || call.answer().status() == 0);
        List<Call> whileHung = calls.stream().filter(c -> c.startedAfter(hung) && c.endedNanos() - thawed < 0).toList();
        assertThat(whileHung).as("calls answered while Redis hung").hasSizeGreaterThan(10);
        Mix.assertFailurePolicy(whileHung);
        assertThat(checksWhileHung).as("rate limit checks decided by fail mode").isGreaterThanOrEqualTo(20);
    }
}
