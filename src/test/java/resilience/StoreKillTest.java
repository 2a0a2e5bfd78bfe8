package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Bounds;
import support.Http;
import support.LogCapture;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;
import support.Tenant;
import support.Traffic;
import support.Traffic.Call;

/**
 * Redis killed while clients keep calling: no request waits longer than its timeouts plus a margin,
 * and every capability answers by its failure policy: cache reads miss, writes and sessions answer
 * 503, rate limits follow their fail mode; readiness goes DOWN. Nothing answers 500.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class StoreKillTest {

    @OwnRedisResource.Handle
    RedisServer redis;

    @BeforeEach
    void redisIsOurs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not stop");
    }

    @Test
    void answersByTheFailurePolicyWithinTheBoundWhenRedisIsKilledDuringTraffic() {
        Tenant tenant = Tenant.withEveryCapability();
        List<Call> calls;
        long killed;
        LogCapture log = LogCapture.start();
        try (Traffic traffic = Traffic.start(6, Mix.of(tenant))) {
            Awaitility.await("healthy traffic").atMost(Duration.ofSeconds(20))
                    .until(() -> traffic.calls().size() >= 30);

            redis.stop(true);
            killed = System.nanoTime();
            Awaitility.await("readiness DOWN").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get("/q/health/ready", null).status() == 503);
            Awaitility.await("traffic while Redis is gone").atMost(Duration.ofSeconds(30))
                    .until(() -> traffic.calls().stream().filter(c -> c.startedAfter(killed)).count() >= 60);
            calls = traffic.stop();
        } finally {
            log.close();
            redis.restart();
        }

        Duration bound = Bounds.apiKeyRequest();
        System.out.printf("Redis killed during traffic: %d calls, slowest %d ms (bound %d ms)%n", calls.size(),
                calls.stream().mapToLong(c -> c.answer().millis()).max().orElse(0), bound.toMillis());
        assertThat(calls).allSatisfy(call -> assertThat(call.answer().took()).as(call.request()).isLessThan(bound));
        assertThat(calls).as("never a server fault").noneMatch(call -> call.answer().status() == 500 || call.answer().status() == 0);
        List<Call> afterKill = calls.stream().filter(c -> c.startedAfter(killed)).toList();
        Mix.assertFailurePolicy(afterKill);
        assertThat(afterKill).filteredOn(c -> c.request().equals(Mix.READ)).as("degraded reads").hasSizeGreaterThan(5);
        assertThat(log.lines()).as("one line per burst, not one per request")
                .filteredOn(l -> l.contains("reads answer misses")).hasSizeLessThanOrEqualTo(1);
        assertThat(log.lines()).filteredOn(l -> l.contains("answering 503")).hasSizeLessThanOrEqualTo(1);
        assertThat(log.linesWithStackTraces()).as("no stack trace from the service's own loggers")
                .noneMatch(l -> l.startsWith("application.") || l.startsWith("infrastructure."));
        Mix.awaitNormalService(tenant, Duration.ofSeconds(15));
    }
}
