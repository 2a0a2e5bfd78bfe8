package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Http;
import support.Metrics;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;
import support.Tenant;

/**
 * With Redis hung (SIGSTOP), a rate limit check (with its {@code api} check before it, in the same
 * request) pays the 50 ms budget once, the stall opens the rate limit breaker, and from then on
 * checks are decided by their fail mode at once; once Redis returns, checks count again.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class RateLimitStallTest {

    /** Room for HTTP on loopback and for the timer on a loaded two-core machine, as the issue asks. */
    private static final Duration FIRST_CHECK_MARGIN = Duration.ofMillis(20);
    /** The bound of a check once the breaker is open, as the issue asks. */
    private static final Duration OPEN_BREAKER_BOUND = Duration.ofMillis(5);
    private static final int MEASURED = 200;
    /** Hangs of Redis in which the first check is timed; one must meet the bound. */
    private static final int FIRST_CHECK_TRIALS = 3;

    @OwnRedisResource.Handle
    RedisServer redis;

    @BeforeEach
    void redisIsOurs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not freeze");
    }

    @Test
    void withRedisHungACheckPaysTheBudgetOnceAndAnswersAtOnceOnceTheBreakerIsOpen() {
        Tenant tenant = Tenant.withEveryCapability();
        Mix.awaitNormalService(tenant, Duration.ofSeconds(10));
        Duration budget = ConfigProvider.getConfig().getValue("cache-domain.rate-limits.store-timeout", Duration.class);

        Duration bound = budget.plus(FIRST_CHECK_MARGIN);
        List<Duration> firsts = new ArrayList<>();
        List<Http.Answer> whileOpen = new ArrayList<>();
        try {
            for (int trial = 1; ; trial++) {
                Http.Answer before = tenant.check(tenant.openPolicy);
                redis.pause();
                Http.Answer first = tenant.check(tenant.openPolicy);
                assertDegradedOpen(first);
                firsts.add(first.took());
                System.out.printf("Redis hung, trial %d: first check %d ms (budget %d ms; the check just before the hang took %d ms)%n",
                        trial, first.millis(), budget.toMillis(), before.millis());
                if (first.took().compareTo(bound) < 0 || trial == FIRST_CHECK_TRIALS) {
                    break;
                }
                redis.resume();
                Mix.awaitNormalService(tenant, Duration.ofSeconds(10));
            }
            Awaitility.await("the rate limit breaker opens").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        tenant.check(tenant.openPolicy);
                        return Metrics.scrape().value("breaker_state", "breaker", "ratelimit", "state", "open") == 1.0;
                    });
            for (int i = 0; i < MEASURED; i++) {
                whileOpen.add(tenant.check(tenant.openPolicy));
            }
        } finally {
            redis.resume();
        }

        // Paying the budget once per layer would take two budgets (100 ms) in every trial; one trial within the
        // bound shows it is paid once, while a single trial can meet a scheduling delay of a machine shared with
        // other builds (CI saw 80 ms once, the process's own lateness allowance being a quarter budget per timer).
        assertThat(firsts).as("the first check pays the budget once, not once per layer")
                .anySatisfy(took -> assertThat(took).isLessThan(bound));
        whileOpen.forEach(RateLimitStallTest::assertDegradedOpen);
        long[] millis = whileOpen.stream().mapToLong(a -> a.took().toNanos()).sorted().toArray();
        Duration median = Duration.ofNanos(millis[millis.length / 2]);
        Duration p90 = Duration.ofNanos(millis[millis.length * 9 / 10]);
        System.out.printf("breaker open: %d checks, median %.2f ms, p90 %.2f ms, max %.2f ms%n", millis.length,
                median.toNanos() / 1e6, p90.toNanos() / 1e6, millis[millis.length - 1] / 1e6);
        // The median, not the maximum: the breaker lets one trial call through every 500 ms, which pays
        // the budget, and on a test machine shared with other builds a share of requests meets scheduling
        // delays that have nothing to do with the service (measured here: p90 up to 22 ms at load 20+).
        assertThat(median).as("checks with the breaker open, median").isLessThan(OPEN_BREAKER_BOUND);

        Mix.awaitNormalService(tenant, Duration.ofSeconds(5));
        JsonNode counted = Tenant.json(tenant.check(tenant.closedPolicy));
        assertThat(counted.get("degraded").asBoolean()).as("checks count again once Redis answers").isFalse();
    }

    private static void assertDegradedOpen(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(200);
        JsonNode decision = Tenant.json(answer);
        assertThat(decision.get("allowed").asBoolean()).as("fails open").isTrue();
        assertThat(decision.get("degraded").asBoolean()).as("decided by the fail mode").isTrue();
    }
}
