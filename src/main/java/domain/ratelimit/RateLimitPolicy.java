package domain.ratelimit;

import domain.InvalidValueException;
import java.util.Comparator;
import java.util.List;

/**
 * A named set of limits checked together, with a burst allowance and a fail mode.
 *
 * <p>Burst: every window of the policy admits up to {@code requests + burst} units in its sliding
 * estimate. A client that uses the burst is throttled correspondingly longer afterwards, because
 * the estimate counts every admitted unit. Rule: 1 to 8 limits with distinct windows, ordered by
 * window; burst between 0 and 1,000,000,000. A broken rule names its field as a request spells it
 * ({@code burst}, {@code limits[i].windowSeconds} with {@code i} the limit's place as given).
 */
public record RateLimitPolicy(PolicyName name, List<Limit> limits, long burst, FailMode failMode) {

    public static final int MAX_LIMITS = 8;

    public RateLimitPolicy {
        if (limits == null || limits.isEmpty() || limits.size() > MAX_LIMITS) {
            throw new InvalidValueException("limits", "a policy needs 1 to " + MAX_LIMITS + " limits");
        }
        for (int i = 1; i < limits.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (limits.get(i).window().equals(limits.get(j).window())) {
                    throw new InvalidValueException("limits[" + i + "].windowSeconds",
                            "each limit of a policy needs its own window: limits[" + j + "] has windowSeconds "
                                    + limits.get(j).window().seconds() + " already");
                }
            }
        }
        limits = limits.stream().sorted(Comparator.comparingLong(l -> l.window().seconds())).toList();
        if (burst < 0 || burst > Limit.MAX_REQUESTS) {
            throw new InvalidValueException("burst", "burst must be between 0 and " + Limit.MAX_REQUESTS);
        }
    }

    /** The units a window admits in its sliding estimate: its requests plus the burst. */
    public long capacity(Limit limit) {
        return limit.requests() + burst;
    }

    /** The largest cost one check can ever be admitted with: the smallest capacity. */
    public long maxCost() {
        return limits.stream().mapToLong(this::capacity).min().orElseThrow();
    }

    /** Rule: a cost is at least 1 and at most {@link #maxCost()}, else it could never be admitted. */
    public long checkCost(long cost) {
        if (cost < 1 || cost > maxCost()) {
            throw new InvalidValueException("cost", "cost must be between 1 and " + maxCost() + " for policy " + name);
        }
        return cost;
    }
}
