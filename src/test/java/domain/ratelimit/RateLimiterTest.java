package domain.ratelimit;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.policy;
import static domain.ratelimit.PolicyFixture.withFailMode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** 10 a minute and 100 an hour, burst 2: capacities 12 and 102. */
    private static final RateLimitPolicy MINUTE_AND_HOUR = policy(2, limit(10, 60), limit(100, 3_600));

    @Test
    void allowsWhatTheStoreAdmittedWithEachWindowsRemainderAndReset() {
        Consumption counted = new Consumption(true, List.of(
                new WindowState(5, 0, 20_000),
                new WindowState(40, 0, 600_000)));

        RateLimitDecision decision = RateLimiter.decide(MINUTE_AND_HOUR, 1, counted);

        assertThat(decision).isInstanceOf(RateLimitDecision.Allowed.class);
        assertThat(decision.degraded()).isFalse();
        assertThat(decision.policy()).isEqualTo(MINUTE_AND_HOUR);
        assertThat(decision.windows()).extracting(WindowStatus::remaining).containsExactly(7L, 62L);
        assertThat(decision.windows()).extracting(WindowStatus::reset)
                .containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(3_000));
        assertThat(decision.windows()).extracting(WindowStatus::limit).containsExactlyElementsOf(MINUTE_AND_HOUR.limits());
    }

    @Test
    void deniesWhatTheStoreRefusedWithTheWaitOfTheSlowestWindow() {
        // The minute is full (12 of 12, 20 s in): it admits one more 45 s from now (40 s to the next
        // minute, then 5 s for 12 × (60 − e)/60 to fade to 11).
        // The hour has room (50 of 102): it alone would admit now.
        Consumption refused = new Consumption(false, List.of(
                new WindowState(12, 0, 20_000),
                new WindowState(50, 0, 600_000)));

        RateLimitDecision decision = RateLimiter.decide(MINUTE_AND_HOUR, 1, refused);

        assertThat(decision).isInstanceOf(RateLimitDecision.Denied.class);
        RateLimitDecision.Denied denied = (RateLimitDecision.Denied) decision;
        assertThat(denied.degraded()).isFalse();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(
                SlidingWindow.retryAfterMillis(new WindowState(12, 0, 20_000), Window.minute(), 1, 12)));
        assertThat(denied.retryAfter()).isBetween(Duration.ofMillis(45_000), Duration.ofMillis(45_002));
        assertThat(denied.windows()).extracting(WindowStatus::remaining).containsExactly(0L, 52L);
    }

    @Test
    void waitsForEveryWindowThatRefusesNotJustTheFirst() {
        // Both full; the hour's count fades only in the next hour, far later than the minute's.
        Consumption refused = new Consumption(false, List.of(
                new WindowState(12, 0, 20_000),
                new WindowState(102, 0, 600_000)));

        RateLimitDecision.Denied denied = (RateLimitDecision.Denied) RateLimiter.decide(MINUTE_AND_HOUR, 1, refused);

        long hourAlone = SlidingWindow.retryAfterMillis(new WindowState(102, 0, 600_000), Window.hour(), 1, 102);
        assertThat(hourAlone).isGreaterThan(3_000_000);
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(hourAlone));
    }

    @Test
    void pointsAtTheWindowWithTheLeastRoomLeft() {
        Consumption counted = new Consumption(true, List.of(
                new WindowState(2, 0, 0),
                new WindowState(99, 0, 0)));

        RateLimitDecision decision = RateLimiter.decide(MINUTE_AND_HOUR, 1, counted);

        assertThat(decision.tightest().limit().window()).isEqualTo(Window.hour());
        assertThat(decision.tightest().remaining()).isEqualTo(3);
    }

    @Test
    void pointsAtTheLongestWindowWhenTwoHaveTheSameRoom() {
        Consumption counted = new Consumption(true, List.of(
                new WindowState(7, 0, 0),
                new WindowState(97, 0, 0)));

        RateLimitDecision decision = RateLimiter.decide(MINUTE_AND_HOUR, 1, counted);

        assertThat(decision.windows()).extracting(WindowStatus::remaining).containsExactly(5L, 5L);
        assertThat(decision.tightest().limit().window()).isEqualTo(Window.hour());
    }

    @Test
    void admitsWithoutTheStoreWhenTheFailModeIsOpen() {
        RateLimitDecision decision = RateLimiter.degraded(withFailMode(MINUTE_AND_HOUR, FailMode.OPEN), 3);

        assertThat(decision).isInstanceOf(RateLimitDecision.Allowed.class);
        assertThat(decision.degraded()).isTrue();
        assertThat(decision.windows()).extracting(WindowStatus::remaining).containsExactly(9L, 99L);
        assertThat(decision.windows()).extracting(WindowStatus::reset)
                .containsExactly(Duration.ofMinutes(1), Duration.ofHours(1));
    }

    @Test
    void refusesWithoutTheStoreForOneSecondWhenTheFailModeIsClosed() {
        RateLimitDecision decision = RateLimiter.degraded(withFailMode(MINUTE_AND_HOUR, FailMode.CLOSED), 3);

        assertThat(decision).isInstanceOf(RateLimitDecision.Denied.class);
        RateLimitDecision.Denied denied = (RateLimitDecision.Denied) decision;
        assertThat(denied.degraded()).isTrue();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(denied.windows()).extracting(WindowStatus::remaining).containsExactly(0L, 0L);
    }

    @Test
    void reportsRequestsPlusBurstAsTheCeilingRemainingCountsDownFrom() {
        RateLimitDecision decision = RateLimiter.decide(MINUTE_AND_HOUR, 1, new Consumption(true, List.of(
                new WindowState(1, 0, 0), new WindowState(1, 0, 0))));

        assertThat(decision.windows()).extracting(WindowStatus::quota).containsExactly(12L, 102L);
        assertThat(decision.windows()).extracting(WindowStatus::remaining).containsExactly(11L, 101L);
        assertThat(decision.tightest().quota()).isEqualTo(12);
        assertThat(decision.windows()).allSatisfy(w -> assertThat(w.remaining()).isLessThanOrEqualTo(w.quota()));
    }

    @Test
    void pointsAtTheSameWindowWhenDegradedClosedAsWhenOpenOrUntouched() {
        RateLimitDecision open = RateLimiter.degraded(withFailMode(MINUTE_AND_HOUR, FailMode.OPEN), 1);
        RateLimitDecision closed = RateLimiter.degraded(withFailMode(MINUTE_AND_HOUR, FailMode.CLOSED), 1);
        RateLimitDecision untouched = RateLimiter.decide(MINUTE_AND_HOUR, 1, new Consumption(true, List.of(
                WindowState.empty(0), WindowState.empty(0))));

        assertThat(untouched.tightest().limit().window()).isEqualTo(Window.minute());
        assertThat(open.tightest().limit().window()).isEqualTo(Window.minute());
        assertThat(closed.tightest().limit().window()).isEqualTo(Window.minute());
        assertThat(closed.tightest().remaining()).isZero();
        assertThat(closed.tightest().quota()).isEqualTo(12);
        assertThat(closed.tightest()).isSameAs(closed.windows().get(0));
    }

    @Test
    void statusOfAnUntouchedKeyIsTheFullCapacity() {
        List<WindowStatus> status = RateLimiter.status(MINUTE_AND_HOUR,
                List.of(WindowState.empty(0), WindowState.empty(0)));

        assertThat(status).extracting(WindowStatus::remaining).containsExactly(12L, 102L);
    }
}
