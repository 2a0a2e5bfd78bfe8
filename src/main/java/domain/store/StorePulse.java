package domain.store;

import java.util.function.LongSupplier;

/**
 * When the store last answered anything, as adapters record it: lets a caller whose own answer is
 * late tell a store that stopped answering from a process that is merely slow to read its answers.
 *
 * <p>Recording costs one read of the ticker and one volatile write, so adapters may record every
 * answer on their hot paths. Times are those of the ticker (nanoseconds, as {@link System#nanoTime()}):
 * only differences between them mean anything.
 */
public final class StorePulse {

    private final LongSupplier ticker;
    /** The ticker's time of the latest answer; starts at construction, so that no answer is seen before any. */
    private volatile long lastAnswer;

    /** @param ticker nanoseconds from an arbitrary origin, never going back (as {@link System#nanoTime()}) */
    public StorePulse(LongSupplier ticker) {
        this.ticker = ticker;
        this.lastAnswer = ticker.getAsLong();
    }

    /** A pulse on the system's monotonic clock. */
    public static StorePulse onSystemTicker() {
        return new StorePulse(System::nanoTime);
    }

    /** Records that the store answered a call now (any answer it gave, success or refusal). */
    public void answered() {
        lastAnswer = ticker.getAsLong();
    }

    /** The ticker's time now, on the same scale as the answers. */
    public long now() {
        return ticker.getAsLong();
    }

    /** True when the store answered something after {@code nanos} (a time of {@link #now()}). */
    public boolean answeredSince(long nanos) {
        return lastAnswer - nanos > 0;
    }
}
