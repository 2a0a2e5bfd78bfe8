package domain.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One principal's allowance under a policy on one instance: units leased from the store, spent one
 * per request without a store call, topped up ahead of need, and a denial held until it may pass.
 *
 * <p>Sizing: a lease asks for the units the principal's pace needs over one lease lifetime (the
 * units taken from the last lease, scaled from its age to the lifetime), between 1 and
 * {@link LeasePlan#batch}; the first lease asks for 1. Ahead of need: once the held units fall to
 * the low-water mark, or three quarters of the lifetime have passed, the next request that takes a
 * unit starts a top-up to that size (once the lease served two requests at least, which makes a pace), so a steady stream
 * does not wait on the store while a quarter of a lease outlasts a top-up. Units held never
 * exceed the batch. A lease that expires forgets its units (counted, never used: the store's
 * estimate is conservative for them). A principal slower than one request per lifetime leases one
 * unit per request, as exact as a check per request, and as costly. A changed policy applies to the
 * next request: what was held under the previous one is forgotten.
 *
 * <p>Not thread-safe: its holder serialises every call, and runs at most one lease at a time (the
 * {@link Step.Lease} and {@link Step.Admit#prefetch} it is told to start).
 */
public final class Allowance {

    private final LeasePlan plan;
    private long held;
    /** Units held right after the last grant: the low-water mark is a quarter of it. */
    private long leaseUnits;
    private long leasedAtMillis = Long.MIN_VALUE;
    private long expiresAtMillis = Long.MIN_VALUE;
    private long taken;
    private RateLimitDecision.Allowed allowed;
    private RateLimitDecision.Denied denial;
    private long deniedAtMillis;
    private long denialHeldUntilMillis;
    private boolean leasing;
    /** The policy of the last grant: a changed policy applies to the next request, so what was held under another is forgotten. */
    private RateLimitPolicy leasedUnder;

    public Allowance(LeasePlan plan) {
        this.plan = plan;
    }

    /** What the holder does for one request. */
    public sealed interface Step {

        /**
         * Admitted from the lease; when {@code prefetch > 0}, the holder starts a lease of that
         * many units in the background and reports it with {@link #granted} or {@link #failed}.
         */
        record Admit(RateLimitDecision.Allowed decision, long prefetch) implements Step {
        }

        /** Denied by a denial held in process; its retry-after counts down from the store's answer. */
        record Deny(RateLimitDecision.Denied decision) implements Step {
        }

        /** Nothing held: the holder leases {@code units} now, reports it, then takes again. */
        record Lease(long units) implements Step {
        }

        /** A lease is under way and nothing is held: the holder waits for it, then takes again. */
        record Wait() implements Step {
        }
    }

    /** Takes one unit for a request at {@code nowMillis}, or says what must happen first. */
    public Step take(RateLimitPolicy policy, long nowMillis) {
        if (leasedUnder != null && policy != leasedUnder && !policy.equals(leasedUnder)) {
            forget();
        }
        if (held > 0 && nowMillis < expiresAtMillis) {
            held--;
            taken++;
            long prefetch = 0;
            // Two requests at least make a pace; one alone (a slow principal) is no reason to lease ahead.
            if (!leasing && taken >= 2 && !denialHeld(nowMillis)
                    && (held <= plan.lowWater(leaseUnits) || agedPastThreeQuarters(nowMillis))) {
                long ask = leaseSize(policy, nowMillis) - held;
                if (ask > 0) {
                    leasing = true;
                    prefetch = ask;
                }
            }
            return new Step.Admit(allowed, prefetch);
        }
        if (denialHeld(nowMillis)) {
            return new Step.Deny(aged(denial, nowMillis - deniedAtMillis));
        }
        if (leasing) {
            return new Step.Wait();
        }
        leasing = true;
        return new Step.Lease(leaseSize(policy, nowMillis));
    }

    /** The store counted {@code grant} for the lease this allowance asked for. */
    public void granted(RateLimitPolicy policy, Grant grant, long nowMillis) {
        leasing = false;
        if (nowMillis >= expiresAtMillis) {
            held = 0;
        }
        held += grant.units();
        leaseUnits = held;
        leasedAtMillis = nowMillis;
        expiresAtMillis = nowMillis + plan.lifetimeMillis();
        taken = 0;
        leasedUnder = policy;
        allowed = allowedAsOf(policy, grant.states(), held);
        if (grant.units() == 0) {
            denial = (RateLimitDecision.Denied) RateLimiter.decide(policy, 1, new Consumption(false, grant.states()));
            deniedAtMillis = nowMillis;
            denialHeldUntilMillis = nowMillis + Math.min(denial.retryAfter().toMillis(), plan.denialHold().toMillis());
        } else {
            denial = null;
        }
    }

    /** Forgets the units and the denial held, and the pace: as if this principal had never been seen. */
    private void forget() {
        held = 0;
        leaseUnits = 0;
        taken = 0;
        leasedAtMillis = Long.MIN_VALUE;
        expiresAtMillis = Long.MIN_VALUE;
        denial = null;
        leasedUnder = null;
    }

    /** The lease asked for could not be counted (the store did not answer); nothing changes but that none is under way. */
    public void failed() {
        leasing = false;
    }

    /** Whether forgetting this allowance loses nothing: no units held, no denial held, no lease under way. */
    public boolean idle(long nowMillis) {
        return !leasing && (held == 0 || nowMillis >= expiresAtMillis) && !denialHeld(nowMillis);
    }

    /** Units held now, for use without a store call. */
    public long held(long nowMillis) {
        return nowMillis < expiresAtMillis ? held : 0;
    }

    /**
     * The units the principal's pace needs over one lifetime: those taken since the last lease,
     * scaled from its age (at most the lifetime) to the lifetime; 1 for a first lease; at most the batch.
     */
    long leaseSize(RateLimitPolicy policy, long nowMillis) {
        if (leasedAtMillis == Long.MIN_VALUE) {
            return 1;
        }
        long lifetime = plan.lifetimeMillis();
        long age = Math.max(1, Math.min(nowMillis - leasedAtMillis, lifetime));
        long pace = (taken * lifetime + age - 1) / age;
        return Math.max(1, Math.min(plan.batch(policy), pace));
    }

    private boolean agedPastThreeQuarters(long nowMillis) {
        return 4 * (nowMillis - leasedAtMillis) >= 3 * plan.lifetimeMillis();
    }

    private boolean denialHeld(long nowMillis) {
        return denial != null && nowMillis < denialHeldUntilMillis;
    }

    /** The allowed answer as of the lease: each window's room in the store plus the units held here. */
    private static RateLimitDecision.Allowed allowedAsOf(RateLimitPolicy policy, List<WindowState> states, long held) {
        List<WindowStatus> windows = new ArrayList<>();
        for (WindowStatus status : RateLimiter.status(policy, states)) {
            windows.add(new WindowStatus(status.limit(), status.quota(), Math.min(status.quota(), status.remaining() + held),
                    status.reset()));
        }
        return new RateLimitDecision.Allowed(policy, windows, RateLimitDecision.tightestOf(windows), false);
    }

    /** A held denial {@code elapsedMillis} after the store's answer: its waits shortened by as much. */
    private static RateLimitDecision.Denied aged(RateLimitDecision.Denied denied, long elapsedMillis) {
        Duration elapsed = Duration.ofMillis(elapsedMillis);
        List<WindowStatus> windows = new ArrayList<>();
        WindowStatus tightest = null;
        for (WindowStatus status : denied.windows()) {
            WindowStatus later = new WindowStatus(status.limit(), status.quota(), status.remaining(), max0(status.reset().minus(elapsed)));
            windows.add(later);
            if (status == denied.tightest()) {
                tightest = later;
            }
        }
        return new RateLimitDecision.Denied(denied.policy(), windows, tightest != null ? tightest : RateLimitDecision.tightestOf(windows),
                max0(denied.retryAfter().minus(elapsed)), false);
    }

    private static Duration max0(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
