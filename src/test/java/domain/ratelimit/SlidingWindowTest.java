package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    private static final Window MINUTE = Window.minute();

    private static WindowState state(long current, long previous, long elapsedMillis) {
        return new WindowState(current, previous, elapsedMillis);
    }

    // --- estimate

    @Test
    void estimatesTheCurrentCountPlusTheUnexpiredShareOfThePrevious() {
        // 15 s into the minute, 45 s of the previous minute still lie in the sliding window: 10 × 45/60 + 4.
        assertThat(SlidingWindow.estimate(state(4, 10, 15_000), MINUTE)).isEqualTo(11.5);
    }

    @Test
    void countsThePreviousWindowWhollyAtTheStartOfTheCurrent() {
        assertThat(SlidingWindow.estimate(state(0, 10, 0), MINUTE)).isEqualTo(10.0);
    }

    @Test
    void letsThePreviousWindowFadeToNothingAtTheEndOfTheCurrent() {
        assertThat(SlidingWindow.estimate(state(3, 10, 59_999), MINUTE)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(SlidingWindow.estimate(state(3, 10, 30_000), MINUTE)).isEqualTo(8.0);
    }

    @Test
    void estimatesNothingForAnEmptyWindow() {
        assertThat(SlidingWindow.estimate(WindowState.empty(12_345), MINUTE)).isZero();
    }

    // --- admits

    @Test
    void admitsACostThatFillsTheCapacityExactly() {
        // 10 × 30/60 + 4 = 9 counted: one more fills the 10.
        assertThat(SlidingWindow.admits(state(4, 10, 30_000), MINUTE, 1, 10)).isTrue();
        assertThat(SlidingWindow.admits(state(0, 0, 0), MINUTE, 10, 10)).isTrue();
    }

    @Test
    void refusesACostOneAboveTheCapacity() {
        assertThat(SlidingWindow.admits(state(4, 10, 30_000), MINUTE, 2, 10)).isFalse();
        assertThat(SlidingWindow.admits(state(4, 10, 15_000), MINUTE, 8, 20)).isTrue(); // 11.5 + 8 = 19.5
        assertThat(SlidingWindow.admits(state(4, 10, 15_000), MINUTE, 9, 20)).isFalse(); // 20.5
        assertThat(SlidingWindow.admits(state(10, 0, 1), MINUTE, 1, 10)).isFalse();
    }

    @Test
    void admitsTheFullCapacityIntoAnEmptyWindow() {
        assertThat(SlidingWindow.admits(WindowState.empty(0), MINUTE, 10, 10)).isTrue();
        assertThat(SlidingWindow.admits(WindowState.empty(0), MINUTE, 11, 10)).isFalse();
    }

    // --- remaining and reset

    @Test
    void reportsTheWholeUnitsLeftRoundedDown() {
        assertThat(SlidingWindow.remaining(state(4, 10, 15_000), MINUTE, 20)).isEqualTo(8); // 20 − 11.5
        assertThat(SlidingWindow.remaining(state(4, 10, 30_000), MINUTE, 10)).isEqualTo(1);
        assertThat(SlidingWindow.remaining(WindowState.empty(0), MINUTE, 10)).isEqualTo(10);
    }

    @Test
    void neverReportsANegativeRemainder() {
        // The policy was lowered after the counts were made: more counted than the capacity.
        assertThat(SlidingWindow.remaining(state(50, 50, 0), MINUTE, 10)).isZero();
    }

    @Test
    void resetsWhenTheCurrentFixedWindowEnds() {
        assertThat(SlidingWindow.resetMillis(state(4, 10, 15_000), MINUTE)).isEqualTo(45_000);
        assertThat(SlidingWindow.resetMillis(WindowState.empty(0), MINUTE)).isEqualTo(60_000);
        assertThat(SlidingWindow.resetMillis(state(1, 0, 59_999), MINUTE)).isEqualTo(1);
    }

    // --- retry-after

    @Test
    void asksForNoWaitWhenTheCostFitsNow() {
        assertThat(SlidingWindow.retryAfterMillis(state(4, 10, 30_000), MINUTE, 1, 10)).isZero();
        assertThat(SlidingWindow.retryAfterMillis(WindowState.empty(0), MINUTE, 10, 10)).isZero();
    }

    @Test
    void waitsForThePreviousWindowToFadeWhenTheCurrentHasRoom() {
        // 10 from the previous minute, none yet: one more fits once 10 × (60 − e)/60 ≤ 9, at e = 6 s.
        long retry = SlidingWindow.retryAfterMillis(state(0, 10, 0), MINUTE, 1, 10);

        assertThat(retry).isBetween(6_000L, 6_001L);
    }

    @Test
    void waitsIntoTheNextWindowWhenTheCurrentIsFull() {
        // 10 this minute, 20 s in: the next minute starts in 40 s with an estimate of 10, which
        // fades to 9 after 6 s more.
        long retry = SlidingWindow.retryAfterMillis(state(10, 0, 20_000), MINUTE, 1, 10);

        assertThat(retry).isBetween(46_000L, 46_001L);
    }

    @Test
    void waitsTwoWholeWindowsAtMostForACostOfTheFullCapacity() {
        long retry = SlidingWindow.retryAfterMillis(state(10, 0, 0), MINUTE, 10, 10);

        assertThat(retry).isBetween(120_000L, 120_001L);
        assertThat(SlidingWindow.admits(after(state(10, 0, 0), MINUTE, retry), MINUTE, 10, 10)).isTrue();
    }

    @Test
    void waitsAtMostOneMillisecondPastTheEarliestWhenTheFadeEndsOnAWholeMillisecond() {
        // 12 of 12 this minute, 20 s in: the next minute starts in 40 s with an estimate of 12,
        // which is 11 exactly 5 s later (12 × 55/60 = 11). In doubles, 1 − 11/12 is a hair above
        // 1/12, so a ceil of 60 000 × (1 − 11/12) lands one millisecond late.
        WindowState full = state(12, 0, 20_000);

        long retry = SlidingWindow.retryAfterMillis(full, MINUTE, 1, 12);

        assertThat(SlidingWindow.admits(after(full, MINUTE, 45_000), MINUTE, 1, 12)).isTrue();
        assertThat(SlidingWindow.admits(after(full, MINUTE, 44_999), MINUTE, 1, 12)).isFalse();
        assertThat(retry).isBetween(45_000L, 45_001L);
    }

    /**
     * For many random states that refuse a check, the wait it reports is enough (after it the check
     * passes, nothing else admitted meanwhile) and not much more than needed (2 ms before it, the
     * check still fails).
     */
    @Test
    void reportsAWaitAfterWhichTheCheckPassesAndBeforeWhichItDoesNotForRandomStates() {
        Random random = new Random(20_240_601L);
        List<String> tooShort = new ArrayList<>();
        List<String> tooLong = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 200_000; i++) {
            RandomCheck check = RandomCheck.next(random);
            if (SlidingWindow.admits(check.state, check.window, check.cost, check.capacity)) {
                assertThat(check.retry()).isZero();
                continue;
            }
            refused++;
            long retry = check.retry();
            if (retry <= 0 || !SlidingWindow.admits(after(check.state, check.window, retry), check.window, check.cost,
                    check.capacity)) {
                tooShort.add(check.describe());
            } else if (retry > 2 && SlidingWindow.admits(after(check.state, check.window, retry - 2), check.window,
                    check.cost, check.capacity)) {
                tooLong.add(check.describe());
            }
        }

        assertThat(refused).as("the random states exercise refusals").isGreaterThan(50_000);
        assertThat(tooShort).as(tooShort.size() + " of " + refused + " waits are too short to pass").isEmpty();
        assertThat(tooLong.size()).as(tooLong.size() + " of " + refused + " waits pass already 2 ms earlier, first 10:\n"
                + String.join("\n", tooLong.subList(0, Math.min(10, tooLong.size())))).isZero();
    }

    /** A random window state, check and capacity, with counts up to the capacity and sometimes above it. */
    private record RandomCheck(WindowState state, Window window, long cost, long capacity) {

        private static final long[] WINDOWS = {1, 2, 7, 10, 60, 61, 3_600, 86_400, Window.MAX_SECONDS};

        static RandomCheck next(Random random) {
            Window window = Window.ofSeconds(WINDOWS[random.nextInt(WINDOWS.length)]);
            long capacity = random.nextBoolean() ? 1 + random.nextInt(20) : 1 + (long) (random.nextDouble() * 2_000_000_000L);
            long cost = random.nextInt(4) == 0 ? capacity : Math.min(capacity, 1 + (long) (random.nextDouble() * capacity));
            // Counts above the capacity happen when a policy is lowered after counting.
            long bound = random.nextInt(10) == 0 ? 3 * capacity : capacity;
            long current = (long) (random.nextDouble() * (bound + 1));
            long previous = (long) (random.nextDouble() * (bound + 1));
            long elapsed = (long) (random.nextDouble() * window.millis());
            return new RandomCheck(new WindowState(current, previous, elapsed), window, cost, capacity);
        }

        long retry() {
            return SlidingWindow.retryAfterMillis(state, window, cost, capacity);
        }

        String describe() {
            return state + " window=" + window.millis() + "ms cost=" + cost + " capacity=" + capacity
                    + " retry=" + retry() + " earliest=" + earliestWait(state, window, cost, capacity);
        }
    }

    /** The least wait after which the check passes, by bisection: the estimate only falls as time passes. */
    static long earliestWait(WindowState state, Window window, long cost, long capacity) {
        long low = 0;
        long high = 2 * window.millis() + 1;
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (SlidingWindow.admits(after(state, window, mid), window, cost, capacity)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** The state {@code waitMillis} later, nothing admitted meanwhile: fixed windows roll over as time passes. */
    static WindowState after(WindowState state, Window window, long waitMillis) {
        long w = window.millis();
        long at = state.elapsedMillis() + waitMillis;
        long rolled = at / w;
        long elapsed = at % w;
        if (rolled == 0) {
            return state(state.current(), state.previous(), elapsed);
        }
        if (rolled == 1) {
            return state(0, state.current(), elapsed);
        }
        return WindowState.empty(elapsed);
    }
}
