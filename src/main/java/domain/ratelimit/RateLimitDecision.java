package domain.ratelimit;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The outcome of a check: allowed or denied, with every window's status and the one a client should
 * heed. A degraded decision was made without the store, by the policy's fail mode.
 */
public sealed interface RateLimitDecision {

    RateLimitPolicy policy();

    List<WindowStatus> windows();

    /**
     * The window a client should heed, reported on its own (a response's top-level {@code limit},
     * {@code remaining}, {@code resetSeconds}): see {@link #tightestOf}. A degraded decision, which
     * knows no counts, names the window a check on untouched counters would.
     */
    WindowStatus tightest();

    boolean degraded();

    /** The window with the least room left (ties: the longest). */
    static WindowStatus tightestOf(List<WindowStatus> windows) {
        return windows.stream()
                .min(Comparator.comparingLong(WindowStatus::remaining)
                        .thenComparing(s -> -s.limit().window().seconds()))
                .orElseThrow();
    }

    /** The units were counted in every window. */
    record Allowed(RateLimitPolicy policy, List<WindowStatus> windows, WindowStatus tightest, boolean degraded)
            implements RateLimitDecision {
    }

    /** Nothing was counted; {@code retryAfter} is the earliest wait after which the same check could pass. */
    record Denied(RateLimitPolicy policy, List<WindowStatus> windows, WindowStatus tightest, Duration retryAfter,
            boolean degraded) implements RateLimitDecision {
    }
}
