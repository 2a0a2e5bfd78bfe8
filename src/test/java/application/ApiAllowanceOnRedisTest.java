package application;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;

import domain.ratelimit.Grant;
import domain.ratelimit.LeasePlan;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import infrastructure.redis.RedisRateLimitRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisServer;

/**
 * One instance's {@link ApiAllowance} on a real Redis: leases shared by concurrent requests, and a
 * bounded number of principals held.
 */
class ApiAllowanceOnRedisTest {

    /** 6000 a minute: batches of at most 60, capped here at 20. */
    private static final RateLimitPolicy API = named("api", policy(0, limit(6_000, 60)));
    private static final LeasePlan PLAN = new LeasePlan(20, Duration.ofSeconds(1), Duration.ofSeconds(1));

    private static RedisServer redis;

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger leases = new AtomicInteger();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private ApiAllowance instance(int maxPrincipals) {
        RateLimitRepository redisStore = new RedisRateLimitRepository(RedisClients.dataSource(redis.url()),
                "a" + UUID.randomUUID().toString().substring(0, 8), clock);
        RateLimitRepository counting = new RateLimitRepository() {
            @Override
            public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
                leases.incrementAndGet();
                return redisStore.lease(key, policy, most);
            }

            @Override
            public Uni<domain.ratelimit.Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
                return redisStore.consume(key, policy, cost);
            }

            @Override
            public Uni<List<domain.ratelimit.WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
                return redisStore.peek(key, policy);
            }

            @Override
            public Uni<Void> reset(RateLimitKey key) {
                return redisStore.reset(key);
            }
        };
        return new ApiAllowance(counting, new ApiLeasing(PLAN, maxPrincipals),
                support.TestBreakers.neverOpening(Guards.RATE_LIMITS), support.Budgets.of(domain.store.StorePulse.onSystemTicker(), Duration.ofSeconds(2)), new SimpleMeterRegistry(), clock,
                RequestContexts.NONE);
    }

    @Test
    void letsTwoHundredConcurrentRequestsOfANewPrincipalShareAHandfulOfLeases() {
        ApiAllowance allowance = instance(100);

        List<RateLimitDecision> decisions = Uni.join().all(IntStream.range(0, 200)
                        .mapToObj(i -> allowance.check("key_new", API).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .toList())
                .andFailFast().await().atMost(Duration.ofSeconds(30));

        assertThat(decisions).allMatch(d -> d instanceof RateLimitDecision.Allowed && !d.degraded());
        // one lease of 1, then batches of 20: 11 at the least; one per request (200) without single flight and batches
        assertThat(leases.get()).isBetween(11, 20);
    }

    @Test
    void holdsNoMoreThanItsBoundOfPrincipalsSweepingIdleOnesToMakeRoom() {
        ApiAllowance allowance = instance(3);
        for (int i = 0; i < 3; i++) {
            assertThat(allowance.check("key_" + i, API).await().atMost(Duration.ofSeconds(10)))
                    .isInstanceOf(RateLimitDecision.Allowed.class);
        }
        assertThat(allowance.held()).isEqualTo(3);

        // each of the three spent its one-unit lease: idle, so the fourth principal sweeps them out
        assertThat(allowance.check("key_3", API).await().atMost(Duration.ofSeconds(10))).isInstanceOf(RateLimitDecision.Allowed.class);

        assertThat(allowance.held()).isEqualTo(1);
    }
}
