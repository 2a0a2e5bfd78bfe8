package domain.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns what a store counted into a decision: remaining units, resets and retry-after, per window. */
public final class RateLimiter {

    private RateLimiter() {
    }

    /** The decision for a check of {@code cost} units, from what the store did. */
    public static RateLimitDecision decide(RateLimitPolicy policy, long cost, Consumption consumption) {
        List<WindowStatus> windows = status(policy, consumption.states());
        WindowStatus tightest = RateLimitDecision.tightestOf(windows);
        if (consumption.admitted()) {
            return new RateLimitDecision.Allowed(policy, windows, tightest, false);
        }
        long retry = 0;
        for (int i = 0; i < policy.limits().size(); i++) {
            Limit limit = policy.limits().get(i);
            retry = Math.max(retry, SlidingWindow.retryAfterMillis(consumption.states().get(i), limit.window(), cost,
                    policy.capacity(limit)));
        }
        return new RateLimitDecision.Denied(policy, windows, tightest, Duration.ofMillis(retry), false);
    }

    /**
     * The units a lease of at most {@code most} may count on these states: the least that every
     * window admits ({@link SlidingWindow#grantable}); 0 when one window has no room.
     */
    public static long grantable(RateLimitPolicy policy, List<WindowState> states, long most) {
        long units = most;
        for (int i = 0; i < policy.limits().size() && units > 0; i++) {
            Limit limit = policy.limits().get(i);
            units = SlidingWindow.grantable(states.get(i), limit.window(), units, policy.capacity(limit));
        }
        return units;
    }

    /** Each window's status from its state. */
    public static List<WindowStatus> status(RateLimitPolicy policy, List<WindowState> states) {
        List<WindowStatus> windows = new ArrayList<>(states.size());
        for (int i = 0; i < policy.limits().size(); i++) {
            Limit limit = policy.limits().get(i);
            WindowState state = states.get(i);
            windows.add(new WindowStatus(limit, policy.capacity(limit),
                    SlidingWindow.remaining(state, limit.window(), policy.capacity(limit)),
                    Duration.ofMillis(SlidingWindow.resetMillis(state, limit.window()))));
        }
        return windows;
    }

    /**
     * The decision when the store cannot answer, by the policy's fail mode: {@code open} admits and
     * reports the full capacity less the cost; {@code closed} refuses with no room and a one-second
     * retry. Both are marked degraded, and both name as the tightest window the one a check on
     * untouched counters would (the least capacity less the cost; ties: the longest), never a window
     * only because refusing leaves every window at 0.
     */
    public static RateLimitDecision degraded(RateLimitPolicy policy, long cost) {
        List<WindowStatus> admitting = new ArrayList<>();
        List<WindowStatus> windows = new ArrayList<>();
        boolean open = policy.failMode() == FailMode.OPEN;
        for (Limit limit : policy.limits()) {
            long quota = policy.capacity(limit);
            WindowStatus untouched = new WindowStatus(limit, quota, Math.max(0, quota - cost), limit.window().length());
            admitting.add(untouched);
            windows.add(open ? untouched : new WindowStatus(limit, quota, 0, limit.window().length()));
        }
        WindowStatus tightest = windows.get(admitting.indexOf(RateLimitDecision.tightestOf(admitting)));
        return open
                ? new RateLimitDecision.Allowed(policy, windows, tightest, true)
                : new RateLimitDecision.Denied(policy, windows, tightest, Duration.ofSeconds(1), true);
    }
}
