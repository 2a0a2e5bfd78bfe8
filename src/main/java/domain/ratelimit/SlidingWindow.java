package domain.ratelimit;

/**
 * The sliding window counter: the count over the last window length is estimated from two fixed
 * windows, {@code previous × (W − elapsed) / W + current}, assuming the previous window's units
 * were spread evenly. O(1) memory per identifier and window, and no log of requests.
 *
 * <p>Every store evaluates {@link #admits} atomically with the same arithmetic (IEEE doubles,
 * same order of operations), so all stores decide alike; the rest of the arithmetic lives here only.
 */
public final class SlidingWindow {

    private SlidingWindow() {
    }

    /** The units counted over the last window length, estimated. */
    public static double estimate(WindowState state, Window window) {
        long w = window.millis();
        return state.previous() * (double) (w - state.elapsedMillis()) / w + state.current();
    }

    /** Whether {@code cost} more units fit under {@code capacity}. */
    public static boolean admits(WindowState state, Window window, long cost, long capacity) {
        return estimate(state, window) + cost <= capacity;
    }

    /** Whole units still admitted now, never negative. */
    public static long remaining(WindowState state, Window window, long capacity) {
        return Math.max(0, (long) Math.floor(capacity - estimate(state, window)));
    }

    /** Milliseconds until the current fixed window ends and its count starts to fade out. */
    public static long resetMillis(WindowState state, Window window) {
        return window.millis() - state.elapsedMillis();
    }

    /**
     * The earliest wait, in milliseconds, after which {@code cost} units fit, assuming nothing else
     * is admitted meanwhile: either the previous window's share fades enough within the current
     * window, or the current window must end and its own count fade.
     */
    public static long retryAfterMillis(WindowState state, Window window, long cost, long capacity) {
        if (admits(state, window, cost, capacity)) {
            return 0;
        }
        long w = window.millis();
        long room = capacity - cost;
        if (state.current() <= room) {
            // previous × (w − e) / w ≤ room − current  ⇔  e ≥ w × (1 − (room − current) / previous)
            double at = w * (1 - (double) (room - state.current()) / state.previous());
            return Math.max(0, (long) Math.ceil(at) - state.elapsedMillis() + 1);
        }
        // Next window: its previous is this current; current × (w − e) / w ≤ room
        double at = w * (1 - (double) room / state.current());
        return (w - state.elapsedMillis()) + (long) Math.ceil(at) + 1;
    }
}
