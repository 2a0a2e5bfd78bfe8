package application;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One action per burst, on a ticker the test moves. */
class OncePerBurstTest {

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final OncePerBurst burst = new OncePerBurst(30_000, nanos::get);
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void runsTheFirstActionAtOnceAndNoneMoreWithinThePeriod() {
        burst.run(runs::incrementAndGet);
        advanceMillis(29_999);
        burst.run(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    @Test
    void runsAgainOnceThePeriodHasPassedSinceTheLastRun() {
        burst.run(runs::incrementAndGet);
        advanceMillis(30_000);
        burst.run(runs::incrementAndGet);
        burst.run(runs::incrementAndGet);

        assertThat(runs).hasValue(2);
    }

    @Test
    void runsAtOnceEvenWhenTheTickerStartsNegative() {
        OncePerBurst early = new OncePerBurst(30_000, () -> Long.MIN_VALUE + 5);

        early.run(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
