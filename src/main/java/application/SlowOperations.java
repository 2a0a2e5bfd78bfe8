package application;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The most recent operations that took longer than a threshold, for the operator's health report:
 * bounded, newest first, never a key, token or value (only the operation's name).
 */
public final class SlowOperations {

    /** How many slow operations are kept. */
    public static final int KEPT = 20;

    private final Duration threshold;
    private final Clock clock;
    private final Deque<SlowOperation> recent = new ArrayDeque<>(KEPT);
    private long total;

    /** One operation that exceeded the threshold. */
    public record SlowOperation(String operation, Duration took, String outcome, Instant at) {
    }

    public SlowOperations(Duration threshold, Clock clock) {
        this.threshold = threshold;
        this.clock = clock;
    }

    public Duration threshold() {
        return threshold;
    }

    /** Remembers the operation if it took longer than the threshold. */
    void record(String operation, Duration took, String outcome) {
        if (took.compareTo(threshold) <= 0) {
            return;
        }
        SlowOperation slow = new SlowOperation(operation, took, outcome, clock.instant());
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeLast();
            }
            recent.addFirst(slow);
            total++;
        }
    }

    /** The slow operations kept, newest first. */
    public List<SlowOperation> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** Slow operations since start, including those no longer kept. */
    public long total() {
        synchronized (recent) {
            return total;
        }
    }
}
