package domain.ratelimit;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * How an instance leases a policy's units from the store: the largest batch, how long leased units
 * may be used, and how long a denial is held in process.
 *
 * <p>Batch rule: a lease counts at most {@link #batch} units, the smaller of {@code maxBatch} and
 * 1 % ({@value #SHARE_DIVISOR}th) of the policy's smallest capacity, and at least 1. So a policy of
 * 6000 a minute is leased at most 60 at a time, and one of 10 a minute one at a time, exactly as
 * checked one by one; and the units all instances hold at once never exceed {@code instances × batch},
 * which bounds over-admission: every unit is counted in the store before it is used, so over any
 * span the units admitted exceed the units the store counted in it by at most the units held when
 * the span began, {@code instances × batch}.
 *
 * <p>Rule: maxBatch from 1 to 1,000,000; lifetime from 1 ms to 60 s; denialHold from 0 to 60 s.
 */
public record LeasePlan(long maxBatch, Duration lifetime, Duration denialHold) {

    /** A lease takes at most this fraction (1/100) of the policy's smallest capacity. */
    public static final long SHARE_DIVISOR = 100;
    private static final Duration MAX = Duration.ofSeconds(60);

    public LeasePlan {
        if (maxBatch < 1 || maxBatch > 1_000_000) {
            throw new InvalidValueException("maxBatch", "the largest lease must be between 1 and 1000000 units");
        }
        if (lifetime == null || lifetime.toMillis() < 1 || lifetime.compareTo(MAX) > 0) {
            throw new InvalidValueException("lifetime", "a lease lives between 1 ms and 60 s");
        }
        if (denialHold == null || denialHold.isNegative() || denialHold.compareTo(MAX) > 0) {
            throw new InvalidValueException("denialHold", "a denial is held between 0 and 60 s");
        }
    }

    /** The most units one lease of {@code policy} may count (see the batch rule above). */
    public long batch(RateLimitPolicy policy) {
        return Math.max(1, Math.min(maxBatch, policy.maxCost() / SHARE_DIVISOR));
    }

    /** Held units at or below which a lease is topped up ahead of need: a quarter of the lease. */
    public long lowWater(long leaseUnits) {
        return leaseUnits / 4;
    }

    public long lifetimeMillis() {
        return lifetime.toMillis();
    }
}
