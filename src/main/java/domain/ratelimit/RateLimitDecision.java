package domain.ratelimit;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The outcome of a check: allowed or denied, with every window's status. A degraded decision was
 * made without the store, by the policy's fail mode.
 */
public sealed interface RateLimitDecision {

    RateLimitPolicy policy();

    List<WindowStatus> windows();

    boolean degraded();

    /** The window with the least room left (ties: the longest): the one a client should heed. */
    default WindowStatus tightest() {
        return windows().stream()
                .min(Comparator.comparingLong(WindowStatus::remaining)
                        .thenComparing(s -> -s.limit().window().seconds()))
                .orElseThrow();
    }

    /** The units were counted in every window. */
    record Allowed(RateLimitPolicy policy, List<WindowStatus> windows, boolean degraded) implements RateLimitDecision {
    }

    /** Nothing was counted; {@code retryAfter} is the earliest wait after which the same check could pass. */
    record Denied(RateLimitPolicy policy, List<WindowStatus> windows, Duration retryAfter, boolean degraded)
            implements RateLimitDecision {
    }
}
