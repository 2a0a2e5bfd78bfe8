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
        if (consumption.admitted()) {
            return new RateLimitDecision.Allowed(policy, windows, false);
        }
        long retry = 0;
        for (int i = 0; i < policy.limits().size(); i++) {
            Limit limit = policy.limits().get(i);
            retry = Math.max(retry, SlidingWindow.retryAfterMillis(consumption.states().get(i), limit.window(), cost,
                    policy.capacity(limit)));
        }
        return new RateLimitDecision.Denied(policy, windows, Duration.ofMillis(retry), false);
    }

    /** Each window's status from its state. */
    public static List<WindowStatus> status(RateLimitPolicy policy, List<WindowState> states) {
        List<WindowStatus> windows = new ArrayList<>(states.size());
        for (int i = 0; i < policy.limits().size(); i++) {
            Limit limit = policy.limits().get(i);
            WindowState state = states.get(i);
            windows.add(new WindowStatus(limit, SlidingWindow.remaining(state, limit.window(), policy.capacity(limit)),
                    Duration.ofMillis(SlidingWindow.resetMillis(state, limit.window()))));
        }
        return windows;
    }

    /**
     * The decision when the store cannot answer, by the policy's fail mode: {@code open} admits and
     * reports the full capacity less the cost; {@code closed} refuses with no room and a one-second
     * retry. Both are marked degraded.
     */
    public static RateLimitDecision degraded(RateLimitPolicy policy, long cost) {
        List<WindowStatus> windows = new ArrayList<>();
        boolean open = policy.failMode() == FailMode.OPEN;
        for (Limit limit : policy.limits()) {
            windows.add(new WindowStatus(limit, open ? Math.max(0, policy.capacity(limit) - cost) : 0, limit.window().length()));
        }
        return open
                ? new RateLimitDecision.Allowed(policy, windows, true)
                : new RateLimitDecision.Denied(policy, windows, Duration.ofSeconds(1), true);
    }
}
