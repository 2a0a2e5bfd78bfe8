package application;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Runs an action at most once per quiet period: one log line per burst of failures, not one per request. */
public final class OncePerBurst {

    private final long periodNanos;
    /** Nanoseconds from an arbitrary origin, never going back: a wall clock set back would silence the log. */
    private final LongSupplier ticker;
    private final AtomicLong last;

    /** On the system's monotonic clock. */
    public OncePerBurst(long periodMillis) {
        this(periodMillis, System::nanoTime);
    }

    /** @param ticker nanoseconds, as {@link System#nanoTime()}; tests pass their own */
    public OncePerBurst(long periodMillis, LongSupplier ticker) {
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.ticker = ticker;
        this.last = new AtomicLong(ticker.getAsLong() - periodNanos);
    }

    public void run(Runnable action) {
        long now = ticker.getAsLong();
        long previous = last.get();
        if (now - previous >= periodNanos && last.compareAndSet(previous, now)) {
            action.run();
        }
    }
}
