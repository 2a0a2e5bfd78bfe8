package domain.ratelimit;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perMinute;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lease arithmetic of one principal's allowance, with grants made by hand: no store. */
class AllowanceTest {

    /** 4000 a minute: batches of at most 40. */
    private static final RateLimitPolicy API = named("api", policy(0, limit(4_000, 60)));
    private static final LeasePlan PLAN = new LeasePlan(100, Duration.ofMillis(1_000), Duration.ofMillis(1_000));
    private static final long T0 = 60_000 * 1_000L; // the start of a fixed minute

    private final Allowance allowance = new Allowance(PLAN);

    /** A grant of {@code units} on a minute that had {@code before} counted, {@code atMillis} into it. */
    private static Grant grant(long units, long before, long atMillis) {
        return new Grant(units, List.of(new WindowState(before + units, 0, atMillis)));
    }

    private long admittedOf(int requests, long now) {
        long admitted = 0;
        for (int i = 0; i < requests; i++) {
            if (allowance.take(API, now) instanceof Allowance.Step.Admit) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void leasesOneUnitForAPrincipalNeverSeen() {
        assertThat(allowance.take(API, T0)).isEqualTo(new Allowance.Step.Lease(1));
    }

    @Test
    void letsRequestsThatFindNothingHeldWaitForTheLeaseUnderWay() {
        allowance.take(API, T0);

        assertThat(allowance.take(API, T0)).isInstanceOf(Allowance.Step.Wait.class);
        assertThat(allowance.take(API, T0 + 5)).isInstanceOf(Allowance.Step.Wait.class);
    }

    @Test
    void admitsFromTheLeaseUntilItIsSpentWithoutAskingTheStore() {
        allowance.take(API, T0);
        allowance.granted(API, grant(10, 0, 0), T0);

        // 10 units, taken over most of the lifetime at a pace of 10 a second: no top-up is needed before the last.
        for (int i = 0; i < 7; i++) {
            Allowance.Step step = allowance.take(API, T0 + 100L * i);
            assertThat(step).as("request %d", i).isInstanceOf(Allowance.Step.Admit.class);
            assertThat(((Allowance.Step.Admit) step).prefetch()).as("request %d", i).isZero();
        }
        assertThat(allowance.held(T0 + 700)).isEqualTo(3);
    }

    @Test
    void topsUpAheadOfNeedAtTheLowWaterMarkToThePaceOfTheLease() {
        allowance.take(API, T0);
        allowance.granted(API, grant(8, 0, 0), T0);

        // 8 units; the low-water mark is 2; six requests in 60 ms: a pace of 100 a second, so 40 (the batch) are asked for
        assertThat(admittedOf(5, T0 + 50)).isEqualTo(5);
        Allowance.Step sixth = allowance.take(API, T0 + 60);

        assertThat(sixth).isInstanceOf(Allowance.Step.Admit.class);
        assertThat(((Allowance.Step.Admit) sixth).prefetch()).isEqualTo(40 - 2);
        assertThat(allowance.take(API, T0 + 61)).as("one top-up at a time")
                .isInstanceOfSatisfying(Allowance.Step.Admit.class, a -> assertThat(a.prefetch()).isZero());
        allowance.granted(API, grant(38, 8, 70), T0 + 70);
        assertThat(allowance.held(T0 + 70)).isEqualTo(1 + 38);
    }

    @Test
    void topsUpWhenThreeQuartersOfTheLifetimeHavePassed() {
        allowance.take(API, T0);
        allowance.granted(API, grant(40, 0, 0), T0);
        assertThat(admittedOf(20, T0 + 100)).isEqualTo(20);

        Allowance.Step late = allowance.take(API, T0 + 800);

        // 21 taken in 800 ms: 27 in a lifetime; 19 are held, so 8 are asked for
        assertThat(late).isInstanceOfSatisfying(Allowance.Step.Admit.class, a -> assertThat(a.prefetch()).isEqualTo(27 - 19));
    }

    @Test
    void leasesNothingAheadForAPrincipalWithOneRequestPerLease() {
        allowance.take(API, T0);
        allowance.granted(API, grant(1, 0, 0), T0);

        assertThat(allowance.take(API, T0 + 800))
                .isInstanceOfSatisfying(Allowance.Step.Admit.class, a -> assertThat(a.prefetch()).isZero());
    }

    @Test
    void neverHoldsMoreThanTheBatchWhateverThePace() {
        Random random = new Random(3);
        long now = T0;
        long counted = 0;
        for (int i = 0; i < 20_000; i++) {
            now += random.nextInt(4) == 0 ? random.nextInt(400) : 0;
            Allowance.Step step = allowance.take(API, now);
            long ask = step instanceof Allowance.Step.Lease l ? l.units()
                    : step instanceof Allowance.Step.Admit a ? a.prefetch() : 0;
            if (ask > 0) {
                assertThat(ask).isLessThanOrEqualTo(PLAN.batch(API));
                allowance.granted(API, grant(ask, counted, now % 60_000), now);
                counted += ask;
            }
            assertThat(allowance.held(now)).as("step %d", i).isLessThanOrEqualTo(PLAN.batch(API));
        }
    }

    @Test
    void sizesTheNextLeaseToWhatTheExpiredOneServed() {
        allowance.take(API, T0);
        allowance.granted(API, grant(1, 0, 0), T0);
        allowance.take(API, T0 + 10);

        assertThat(allowance.take(API, T0 + 2_000)).as("expired: one was taken in its lifetime").isEqualTo(new Allowance.Step.Lease(1));
        allowance.granted(API, grant(1, 1, 2_000), T0 + 2_000);
        assertThat(admittedOf(1, T0 + 2_000)).isEqualTo(1);
    }

    @Test
    void forgetsTheUnitsOfAnExpiredLease() {
        allowance.take(API, T0);
        allowance.granted(API, grant(30, 0, 0), T0);

        assertThat(allowance.held(T0 + 999)).isEqualTo(30);
        assertThat(allowance.held(T0 + 1_000)).isZero();
        assertThat(allowance.take(API, T0 + 1_000)).isInstanceOf(Allowance.Step.Lease.class);
    }

    @Test
    void holdsADenialUntilItsRetryAfterWithTheWaitCountingDown() {
        RateLimitPolicy strict = named("api", perMinute(60));
        Allowance strictAllowance = new Allowance(new LeasePlan(100, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        strictAllowance.take(strict, T0);
        // the minute is full, 59.4 s into it: room again once 1 s of the next minute has faded one unit out: in 1.6 s
        strictAllowance.granted(strict, new Grant(0, List.of(new WindowState(60, 0, 59_400))), T0 + 59_400);

        Allowance.Step first = strictAllowance.take(strict, T0 + 59_400);
        Allowance.Step later = strictAllowance.take(strict, T0 + 59_900);

        assertThat(first).isInstanceOfSatisfying(Allowance.Step.Deny.class,
                d -> assertThat(d.decision().retryAfter()).isEqualTo(Duration.ofMillis(1_600)));
        assertThat(later).isInstanceOfSatisfying(Allowance.Step.Deny.class, d -> {
            assertThat(d.decision().retryAfter()).isEqualTo(Duration.ofMillis(1_100));
            assertThat(d.decision().tightest().remaining()).isZero();
            assertThat(d.decision().tightest().quota()).isEqualTo(60);
        });
        assertThat(strictAllowance.take(strict, T0 + 60_999)).isInstanceOf(Allowance.Step.Deny.class);
        assertThat(strictAllowance.take(strict, T0 + 61_000)).as("past its retry-after, the store is asked again")
                .isInstanceOf(Allowance.Step.Lease.class);
    }

    @Test
    void holdsADenialNoLongerThanTheDenialHold() {
        allowance.take(API, T0);
        // full, just into the minute: the retry-after is nearly a minute, the hold one second
        allowance.granted(API, new Grant(0, List.of(new WindowState(4_000, 0, 100))), T0 + 100);

        assertThat(allowance.take(API, T0 + 1_099)).isInstanceOf(Allowance.Step.Deny.class);
        assertThat(allowance.take(API, T0 + 1_100)).isInstanceOf(Allowance.Step.Lease.class);
    }

    @Test
    void forgetsWhatWasHeldUnderAPolicyThatChanged() {
        allowance.take(API, T0);
        allowance.granted(API, new Grant(0, List.of(new WindowState(4_000, 0, 100))), T0 + 100);
        RateLimitPolicy raised = named("api", policy(0, limit(8_000, 60)));

        assertThat(allowance.take(raised, T0 + 200)).isEqualTo(new Allowance.Step.Lease(1));
    }

    @Test
    void letsTheNextRequestLeaseAgainAfterALeaseFailed() {
        allowance.take(API, T0);
        allowance.failed();

        assertThat(allowance.take(API, T0 + 1)).isEqualTo(new Allowance.Step.Lease(1));
    }

    @Test
    void isIdleOnlyWhenItHoldsNothingAndNoLeaseIsUnderWay() {
        assertThat(allowance.idle(T0)).isTrue();
        allowance.take(API, T0);
        assertThat(allowance.idle(T0)).isFalse();
        allowance.granted(API, grant(5, 0, 0), T0);
        assertThat(allowance.idle(T0 + 10)).isFalse();
        assertThat(allowance.idle(T0 + 1_000)).isTrue();
    }
}
