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

    /**
     * The most units, up to {@code most}, that fit under {@code capacity} now: the largest {@code n}
     * for which {@link #admits} holds, or 0. A lease grants the least of these over a policy's windows.
     */
    public static long grantable(WindowState state, Window window, long most, long capacity) {
        double estimate = estimate(state, window);
        long n = Math.min(most, (long) Math.floor(capacity - estimate));
        // Settle on admission's own arithmetic, so that a lease never grants a unit a check would refuse.
        while (n > 0 && !admits(state, window, n, capacity)) {
            n--;
        }
        return Math.max(0, n);
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
     * The earliest wait, in whole milliseconds, after which {@code cost} units fit, assuming nothing
     * else is counted meanwhile. Exact: it is checked with {@link #admits} itself, so the wait is
     * never early and never a millisecond late.
     */
    public static long retryAfterMillis(WindowState state, Window window, long cost, long capacity) {
        if (admits(state, window, cost, capacity)) {
            return 0;
        }
        long w = window.millis();
        long room = capacity - cost;
        // First estimate, in closed form: when the faded previous count leaves room (within this
        // window), or else when this window's own count, become the previous, does (in the next).
        long estimate;
        if (state.current() <= room) {
            double at = w * (1 - (double) (room - state.current()) / state.previous());
            estimate = Math.max(1, (long) Math.ceil(at) - state.elapsedMillis());
        } else {
            estimate = (w - state.elapsedMillis()) + (long) Math.ceil(w * (1 - (double) room / state.current()));
        }
        // Then settle it on the same arithmetic admission uses.
        long wait = Math.max(1, estimate);
        while (!admits(after(state, window, wait), window, cost, capacity)) {
            wait++;
        }
        while (wait > 1 && admits(after(state, window, wait - 1), window, cost, capacity)) {
            wait--;
        }
        return wait;
    }

    /** The state {@code waitMillis} later, with nothing counted meanwhile. */
    static WindowState after(WindowState state, Window window, long waitMillis) {
        long w = window.millis();
        long at = state.elapsedMillis() + waitMillis;
        if (at < w) {
            return new WindowState(state.current(), state.previous(), at);
        }
        if (at < 2 * w) {
            return new WindowState(0, state.current(), at - w);
        }
        return WindowState.empty(at % w);
    }
}
