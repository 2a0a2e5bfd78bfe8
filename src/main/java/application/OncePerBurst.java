package application;

import java.util.concurrent.atomic.AtomicLong;

/** Runs an action at most once per quiet period: one log line per burst of failures, not one per request. */
public final class OncePerBurst {

    private final long periodMillis;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE / 2);

    public OncePerBurst(long periodMillis) {
        this.periodMillis = periodMillis;
    }

    public void run(Runnable action) {
        long now = System.currentTimeMillis();
        long previous = last.get();
        if (now - previous >= periodMillis && last.compareAndSet(previous, now)) {
            action.run();
        }
    }
}
