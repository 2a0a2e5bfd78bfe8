package application;

import domain.ratelimit.Allowance;
import domain.ratelimit.Grant;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The policy {@code api} decided in process: per principal, an {@link Allowance} of units leased
 * from the store in batches ({@link RateLimitRepository#lease}, one store call per lease), so that a
 * request within a lease makes no store call for it.
 *
 * <p>One lease per principal is under way at a time (single flight): requests that find nothing held
 * wait for it together. A denial is held until its retry-after, at most the plan's denial hold, so a
 * flood of refused requests reaches the store once per hold. Over-admission across instances is
 * bounded by {@code instances × batch} ({@link domain.ratelimit.LeasePlan}). When the store cannot
 * answer a lease, the policy's fail mode decides each waiting request, degraded and counted, as a
 * check would. At most {@link ApiLeasing#maxPrincipals} allowances are held; idle ones are swept
 * when that is reached, and a principal that still finds no room is leased one unit per request.
 */
@Singleton
public class ApiAllowance {

    private static final Logger LOG = Logger.getLogger(ApiAllowance.class);
    private final RateLimitRepository counters;
    private final ApiLeasing leasing;
    private final Breaker breaker;
    private final StoreBudget budget;
    private final Clock clock;
    private final RequestContexts contexts;
    private final Degradation degraded;
    private final ConcurrentHashMap<String, Holder> holders = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepMillis = new AtomicLong(Long.MIN_VALUE / 2);

    public ApiAllowance(RateLimitRepository counters, ApiLeasing leasing,
            @io.smallrye.common.annotation.Identifier(Guards.RATE_LIMITS) Breaker breaker,
            @io.smallrye.common.annotation.Identifier(Guards.RATE_LIMITS) StoreBudget budget, MeterRegistry meters, Clock clock,
            RequestContexts contexts) {
        this.counters = counters;
        this.contexts = contexts;
        this.leasing = leasing;
        this.breaker = breaker;
        this.budget = budget;
        this.clock = clock;
        this.degraded = new Degradation(meters, "ratelimit", "check-api", LOG,
                "rate limit store unavailable: the policy api decides by its fail mode");
    }

    /** One principal's allowance and the lease under way for it, if any; both guarded by the holder's lock. */
    private static final class Holder {
        final Allowance allowance;
        /** The lease under way: empty on success, the store's failure otherwise; null when none is. */
        CompletableFuture<Optional<Throwable>> lease;

        Holder(Allowance allowance) {
            this.allowance = allowance;
        }
    }

    /** Takes one unit of {@code policy} (the policy {@code api}) for the principal: allowed, denied, or degraded by the fail mode. */
    public Uni<RateLimitDecision> check(String principal, RateLimitPolicy policy) {
        Taken taken = take(principal, policy);
        if (taken.decision() != null) {
            Outcomes.mark(taken.decision() instanceof RateLimitDecision.Allowed ? "allowed" : "denied");
            return Uni.createFrom().item(taken.decision());
        }
        return decided(taken, principal, policy); // the lease under way decides
    }

    /**
     * One unit taken: the decision, when this process made it at once (units held, or a denial held);
     * otherwise the lease under way, which {@link #decided} waits for, and starts when this request is
     * the one to start it ({@code start}, else null).
     */
    record Taken(RateLimitDecision decision, CompletableFuture<Optional<Throwable>> lease, Runnable start) {
    }

    /**
     * Takes one unit of {@code policy} for the principal, as {@link #check} does, without a {@code Uni}
     * where none is needed: the usual request is decided here, at once (a prefetch it starts, if any,
     * lands in the allowance; nobody waits for it). A lease this request must wait for is left to
     * {@link #decided} to start, in the caller's span: the caller must call it.
     */
    Taken take(String principal, RateLimitPolicy policy) {
        long now = clock.millis();
        Holder holder = holder(principal, now);
        Allowance.Step step;
        CompletableFuture<Optional<Throwable>> lease;
        long units = 0;
        synchronized (holder) {
            step = holder.allowance.take(policy, now);
            if (step instanceof Allowance.Step.Lease l) {
                units = l.units();
            } else if (step instanceof Allowance.Step.Admit a) {
                units = a.prefetch();
            }
            if (units > 0) {
                holder.lease = new CompletableFuture<>();
            }
            lease = holder.lease;
        }
        // Started outside the lock: a guard that answers at once (an open breaker) reports back under it.
        long leased = units;
        Runnable start = units == 0 ? null : () -> lease(holder, lease, RateLimitKey.forApi(principal), policy, leased);
        if (step instanceof Allowance.Step.Admit a) {
            if (start != null) {
                start.run(); // a prefetch: nobody waits for it
            }
            return new Taken(a.decision(), null, null);
        }
        if (step instanceof Allowance.Step.Deny d) {
            return new Taken(d.decision(), null, null);
        }
        return new Taken(null, lease, start); // Lease (this request starts it) or Wait (one is under way)
    }

    /**
     * The decision on a unit {@link #take} could not decide at once: the lease is started if this
     * request is the one to start it, and once it is over the unit is taken again.
     */
    Uni<RateLimitDecision> decided(Taken taken, String principal, RateLimitPolicy policy) {
        if (taken.start() != null) {
            taken.start().run();
        }
        return afterLease(taken.lease(), principal, policy);
    }

    /** Allowances held now. */
    public int held() {
        return holders.size();
    }

    private Uni<RateLimitDecision> afterLease(CompletableFuture<Optional<Throwable>> lease, String principal, RateLimitPolicy policy) {
        // Many requests wait for one lease; each goes on in its own context.
        return contexts.onCaller(Uni.createFrom().completionStage(lease)).chain(failure -> {
            if (failure.isPresent()) {
                degraded.record(failure.get());
                return Uni.createFrom().item(RateLimiter.degraded(policy, 1));
            }
            return check(principal, policy);
        });
    }

    /**
     * One lease, bounded like a check (the guard's breaker around the check's {@link StoreBudget}); its
     * outcome is reported to the allowance exactly once, then to every request waiting on {@code done}:
     * a plain future, since many requests on many threads wait for the one lease.
     */
    private void lease(Holder holder, CompletableFuture<Optional<Throwable>> done, RateLimitKey key, RateLimitPolicy policy,
            long units) {
        breaker.guard(() -> budget.call(() -> counters.lease(key, policy, units))).subscribe().with(
                grant -> {
                    synchronized (holder) {
                        holder.allowance.granted(policy, grant, clock.millis());
                        settled(holder, done);
                    }
                    done.complete(Optional.empty());
                },
                failure -> {
                    synchronized (holder) {
                        holder.allowance.failed();
                        settled(holder, done);
                    }
                    if (Outcomes.isStoreFailure(failure)) {
                        done.complete(Optional.of(failure));
                    } else {
                        done.completeExceptionally(failure);
                    }
                });
    }

    /** The lease {@code done} is over: the holder has none under way, unless a newer one began meanwhile. */
    private static void settled(Holder holder, CompletableFuture<Optional<Throwable>> done) {
        if (holder.lease == done) {
            holder.lease = null;
        }
    }

    /** The principal's holder; past the bound, after sweeping idle ones at most once per lease lifetime, a transient one. */
    private Holder holder(String principal, long now) {
        Holder holder = holders.get(principal);
        if (holder != null) {
            return holder;
        }
        if (holders.size() >= leasing.maxPrincipals()) {
            sweep(now);
            if (holders.size() >= leasing.maxPrincipals()) {
                return new Holder(new Allowance(leasing.plan()));
            }
        }
        return holders.computeIfAbsent(principal, p -> new Holder(new Allowance(leasing.plan())));
    }

    /** Forgets allowances that hold nothing: no units, no denial, no lease under way. */
    private void sweep(long now) {
        long last = lastSweepMillis.get();
        if (now - last < leasing.plan().lifetimeMillis() || !lastSweepMillis.compareAndSet(last, now)) {
            return;
        }
        holders.forEach((principal, holder) -> {
            synchronized (holder) {
                if (holder.allowance.idle(now)) {
                    holders.remove(principal, holder);
                }
            }
        });
    }
}
