package application;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;

import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.LeasePlan;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import infrastructure.redis.RedisRateLimitRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisServer;

/**
 * Two service instances' {@link ApiAllowance}s over one Redis, each wired on its own Redis client,
 * repository, guard and meters, in one JVM: the lease protocol is all in the application and the
 * store, so two independently wired instances exercise exactly what two processes would, while a
 * shared simulated clock lets the test run three one-minute windows in seconds and attribute every
 * admission to its window exactly (two processes could share no clock).
 */
class ApiAllowanceOnTwoInstancesTest {

    /** 6000 a minute: batches of at most 60 by the 1 % rule, capped here at 20. */
    private static final RateLimitPolicy API = named("api", policy(0, limit(6_000, 60)));
    private static final LeasePlan PLAN = new LeasePlan(20, Duration.ofSeconds(1), Duration.ofSeconds(1));
    private static final long WINDOW_MILLIS = 60_000;
    private static final int INSTANCES = 2;

    private static RedisServer redis;

    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** The Redis adapter, recording when and how many units each lease counted: a real store, observed. */
    private record Recording(RateLimitRepository store, MutableClock clock, ConcurrentLinkedQueue<long[]> grants)
            implements RateLimitRepository {

        @Override
        public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
            long at = clock.millis(); // the script's clock argument is read now too
            return store.lease(key, policy, most).invoke(grant -> grants.add(new long[] {at, grant.units()}));
        }

        @Override
        public Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
            return store.consume(key, policy, cost);
        }

        @Override
        public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
            return store.peek(key, policy);
        }

        @Override
        public Uni<Void> reset(RateLimitKey key) {
            return store.reset(key);
        }
    }

    private ApiAllowance instance(String prefix, ConcurrentLinkedQueue<long[]> grants) {
        RateLimitRepository store = new RedisRateLimitRepository(RedisClients.dataSource(redis.url()), prefix, clock);
        return new ApiAllowance(new Recording(store, clock, grants), new ApiLeasing(PLAN, 100),
                support.TestBreakers.neverOpening(Guards.RATE_LIMITS), support.Budgets.of(domain.store.StorePulse.onSystemTicker(), Duration.ofSeconds(2)), new SimpleMeterRegistry(), clock,
                RequestContexts.NONE);
    }

    @Test
    void admitsNoMoreInAnyWindowThanTheStoreCountedPlusOneBatchPerInstance() {
        ConcurrentLinkedQueue<long[]> grants = new ConcurrentLinkedQueue<>();
        List<ApiAllowance> instances = List.of(instance("two", grants), instance("two", grants));
        long batch = PLAN.batch(API);
        // start at a fixed minute, so that windows are numbered from the test's start
        clock.advance(Duration.ofMillis(WINDOW_MILLIS - Math.floorMod(clock.millis(), WINDOW_MILLIS)));
        long start = clock.millis();

        // Three minutes of 10 ms steps; each instance serves 2 requests a step: 400 a second in all, four times the limit.
        Map<Long, Long> admittedPerWindow = new TreeMap<>();
        long degraded = 0;
        long admitted = 0;
        for (long step = 0; step < 3 * WINDOW_MILLIS / 10; step++) {
            for (int request = 0; request < 2; request++) {
                for (ApiAllowance instance : instances) {
                    RateLimitDecision decision = instance.check("key_busy", API).await().atMost(Duration.ofSeconds(10));
                    degraded += decision.degraded() ? 1 : 0;
                    if (decision instanceof RateLimitDecision.Allowed) {
                        admitted++;
                        admittedPerWindow.merge((clock.millis() - start) / WINDOW_MILLIS, 1L, Long::sum);
                    }
                }
            }
            clock.advance(Duration.ofMillis(10));
        }

        Map<Long, Long> countedPerWindow = new TreeMap<>();
        long counted = 0;
        for (long[] grant : grants) {
            countedPerWindow.merge((grant[0] - start) / WINDOW_MILLIS, grant[1], Long::sum);
            counted += grant[1];
        }
        assertThat(degraded).isZero();
        assertThat(admitted).as("no unit is admitted that the store did not count first").isLessThanOrEqualTo(counted);
        for (long window = 0; window < 3; window++) {
            long inWindow = admittedPerWindow.getOrDefault(window, 0L);
            assertThat(countedPerWindow.getOrDefault(window, 0L)).as("the store counts at most its capacity in minute %d", window)
                    .isLessThanOrEqualTo(6_000);
            assertThat(inWindow).as("minute %d: at most capacity + instances × batch", window)
                    .isLessThanOrEqualTo(6_000 + INSTANCES * batch)
                    .as("minute %d: and the limiter still admits what the store allows, less what leases hold", window)
                    .isGreaterThanOrEqualTo(countedPerWindow.getOrDefault(window, 0L) - INSTANCES * batch);
        }
        assertThat(admittedPerWindow.get(0L)).as("the first minute fills the limit, less at most what leases hold")
                .isBetween(6_000 - INSTANCES * batch, 6_000L);
        List<Long> perWindow = new ArrayList<>(admittedPerWindow.values());
        assertThat(perWindow).hasSize(3);
    }
}
