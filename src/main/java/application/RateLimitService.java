package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.ratelimit.ApiPolicy;
import domain.ratelimit.Consumption;
import domain.ratelimit.Identifier;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.WindowStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Rate limiting use cases: check (and count) an identifier against a policy, read or reset its
 * state, manage policies, and limit every principal's use of the service's own API.
 *
 * <p>A check's store call runs under the {@link StoreBudget} {@value Guards#RATE_LIMITS}
 * (budget {@link RateLimitSettings#storeTimeout()}, measured against the store's own answers, not
 * this process's queueing), inside the guard of the same name, whose circuit breaker store failures
 * and stalls open; when the store stalls or fails, or while the breaker is open, the policy's fail
 * mode decides, the decision is marked degraded, counted, and logged once per burst. A check is never
 * retried: counting twice would be wrong. Policy administration and resets are bounded by the guard.
 */
@Singleton
public class RateLimitService {

    private static final Logger LOG = Logger.getLogger(RateLimitService.class);
    private static final Logger AUDIT = Logger.getLogger("audit");
    private final RateLimitRepository counters;
    private final RateLimitPolicies stored;
    private final RateLimitSettings settings;
    private final Map<PolicyName, RateLimitPolicy> configured;
    private final Breaker breaker;
    private final StoreBudget budget;
    private final Degradation degradedChecks;
    private final ApiAllowance apiAllowance;
    /** The check's instrumentation, by plain calls: it runs on every check. */
    private final HotPath checking;
    /** The policy api's when a request waits for the store (a lease, or the policy's load after a change), by plain calls. */
    private final HotPath checkingApi;
    /** The counter of the policy api's decisions made at once, in process. */
    static final String API_DECISIONS = "ratelimit_api_decisions";
    private static final Uni<Optional<RateLimitDecision>> NOT_COUNTED = Uni.createFrom().item(Optional.empty());
    private final Counter apiAllowed;
    private final Counter apiDenied;

    public RateLimitService(RateLimitRepository counters, RateLimitPolicies stored, RateLimitSettings settings,
            @io.smallrye.common.annotation.Identifier(Guards.RATE_LIMITS) Breaker breaker,
            @io.smallrye.common.annotation.Identifier(Guards.RATE_LIMITS) StoreBudget budget, MeterRegistry meters,
            ApiAllowance apiAllowance, HotPaths paths) {
        this.counters = counters;
        this.stored = stored;
        this.settings = settings;
        this.configured = settings.configured().stream().collect(Collectors.toUnmodifiableMap(RateLimitPolicy::name, Function.identity()));
        this.breaker = breaker;
        this.budget = budget;
        this.degradedChecks = new Degradation(meters, "ratelimit", "check", LOG,
                "rate limit store unavailable: deciding by each policy's fail mode");
        this.apiAllowance = apiAllowance;
        // No guard of their own: the store call inside (decide, a lease) is guarded where it is made.
        this.checking = paths.of("ratelimit.check", null);
        this.checkingApi = paths.of("ratelimit.check-api", null);
        this.apiAllowed = apiDecisions(meters, "allowed");
        this.apiDenied = apiDecisions(meters, "denied");
    }

    private static Counter apiDecisions(MeterRegistry meters, String outcome) {
        return Counter.builder(API_DECISIONS)
                .description("decisions of the policy api made at once, in process, from units held (the others are "
                        + "operations_seconds{operation=\"check-api\"})")
                .tags("outcome", outcome).register(meters);
    }

    /** Creates the service at startup rather than on first use, so that its meters exist (at zero) from the start. */
    void createdAtStartup(@Observes Startup startup) {
    }

    /** A policy as the service knows it, and whether it comes from configuration (and only from there). */
    public record KnownPolicy(RateLimitPolicy policy, boolean fromConfiguration) {
    }

    /**
     * Checks {@code cost} units (default 1) for the identifier against the policy and counts them
     * if every window admits them. Span {@code ratelimit.check}, by its {@link HotPath}.
     */
    public Uni<RateLimitDecision> check(Principal caller, ProjectId project, PolicyName name, Identifier identifier,
            OptionalLong cost) {
        return checking.call(project, () -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> {
                long units = policy.checkCost(cost.orElse(1));
                return decide(RateLimitKey.inProject(project, name, identifier), policy, units, degradedChecks);
            });
        }, null);
    }

    /** Every window's status for the identifier now, counting nothing; bounded by the guard's budget, not a check's. */
    @Measured
    @WithSpan("ratelimit.state")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<List<WindowStatus>> state(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, PolicyName name,
            Identifier identifier) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> counters.peek(RateLimitKey.inProject(project, name, identifier), policy)
                    .map(states -> RateLimiter.status(policy, states)));
        });
    }

    /** Forgets every count of the identifier under the policy. */
    @Measured
    @WithSpan("ratelimit.reset")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<Void> reset(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, PolicyName name, Identifier identifier) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> counters.reset(RateLimitKey.inProject(project, name, identifier)))
                    .invoke(() -> AUDIT.infof("rate-limit reset project=%s policy=%s scope=%s actor=%s",
                            project, name, identifier.scope().wireName(), caller.name()));
        });
    }

    /**
     * The caller's use of the service's API, checked against the policy {@code api}; empty when
     * API protection is off or the request does not count (see {@link ApiPolicy#counts}). Decided in
     * process from units leased in batches ({@link ApiAllowance}): no store call while a lease lasts.
     *
     * <p>A request decided at once, in process (the usual one: units held), is only counted, in
     * {@value #API_DECISIONS}: it runs on every request, and the span and timer of a use case cost it
     * more than the decision. One that waits for the store (a lease, or the policy's load after a change) is
     * the use case {@code ratelimit.check-api}: its span and timer, by its {@link HotPath}.
     *
     * @param administersApiPolicy the request reads, replaces or deletes the policy {@code api}
     */
    public Uni<Optional<RateLimitDecision>> checkApi(Principal caller, boolean administersApiPolicy) {
        if (!settings.protectApi() || !ApiPolicy.counts(caller, administersApiPolicy)) {
            return NOT_COUNTED;
        }
        Optional<RateLimitPolicy> held = heldPolicy(PolicyName.API);
        if (held.isPresent()) {
            RateLimitPolicy policy = held.get();
            ApiAllowance.Taken taken;
            try {
                taken = apiAllowance.take(caller.name(), policy);
            } catch (RuntimeException failure) {
                return Uni.createFrom().failure(failure);
            }
            if (taken.decision() != null) {
                (taken.decision() instanceof RateLimitDecision.Allowed ? apiAllowed : apiDenied).increment();
                return Uni.createFrom().item(Optional.of(taken.decision()));
            }
            // The lease, if this request starts it, starts in the span of the use case that waits for it.
            return checkingApi.call(null, () -> apiAllowance.decided(taken, caller.name(), policy).map(Optional::of), null);
        }
        return checkingApi.call(null, () -> policy(PolicyName.API)
                .chain(policy -> apiAllowance.check(caller.name(), policy))
                .map(Optional::of), null);
    }

    /** The policy as held in process (stored, or configured when none is stored); empty when only the store can tell. */
    private Optional<RateLimitPolicy> heldPolicy(PolicyName name) {
        return stored.findAtOnce(name).map(found -> found.or(() -> Optional.ofNullable(configured.get(name))))
                .filter(Optional::isPresent).map(Optional::get);
    }

    /** Every policy: stored ones, and configured ones not overridden by a stored one. */
    @Measured
    @WithSpan("ratelimit.policies.list")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<List<KnownPolicy>> policies(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            requireAny(caller);
            return stored.list().map(saved -> {
                List<KnownPolicy> all = new ArrayList<>();
                saved.forEach(p -> all.add(new KnownPolicy(p, false)));
                configured.values().stream()
                        .filter(c -> saved.stream().noneMatch(p -> p.name().equals(c.name())))
                        .forEach(c -> all.add(new KnownPolicy(c, true)));
                all.sort(Comparator.comparing(k -> k.policy().name().value()));
                return all;
            });
        });
    }

    /** One policy, stored or configured. */
    @Measured
    @WithSpan("ratelimit.policies.get")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<KnownPolicy> policy(Principal caller, PolicyName name) {
        return Uni.createFrom().deferred(() -> {
            requireAny(caller);
            return stored.find(name).map(found -> found.map(p -> new KnownPolicy(p, false))
                    .or(() -> Optional.ofNullable(configured.get(name)).map(p -> new KnownPolicy(p, true)))
                    .orElseThrow(() -> noSuchPolicy(name)));
        });
    }

    /**
     * Creates or replaces a stored policy (scope admin); the next check on every instance uses it.
     * Answers whether it was new. The policy {@code api} must keep {@link ApiPolicy}'s minimum rate.
     */
    @Measured
    @WithSpan("ratelimit.policies.save")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<Boolean> save(Principal caller, RateLimitPolicy policy) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            ApiPolicy.check(policy);
            return stored.find(policy.name()).chain(before -> stored.save(policy)
                    .invoke(() -> AUDIT.infof("rate-limit policy saved name=%s actor=%s", policy.name(), caller.name()))
                    .replaceWith(before.isEmpty()));
        });
    }

    /**
     * Deletes a stored policy (scope admin); a configured policy of that name applies again. Idempotent:
     * a policy that does not exist is absent afterwards as asked, so that is no failure; one that only
     * comes from configuration cannot be deleted, which is a conflict.
     */
    @Measured
    @WithSpan("ratelimit.policies.delete")
    @Guarded(Guards.RATE_LIMITS)
    public Uni<Void> delete(Principal caller, PolicyName name) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return stored.delete(name).map(deleted -> {
                if (!deleted && configured.containsKey(name)) {
                    throw new ConflictException("policy " + name + " comes from configuration; override it with PUT instead");
                }
                if (!deleted) {
                    return null;
                }
                AUDIT.infof("rate-limit policy deleted name=%s actor=%s", name, caller.name());
                return null;
            });
        });
    }

    /**
     * Counts {@code cost} against the identifier's windows in one store call, bounded by the budget
     * inside the guard, so that a stall (the store answered nothing within the budget) counts toward
     * the breaker; when the store cannot answer, the fail mode decides.
     */
    private Uni<RateLimitDecision> decide(RateLimitKey key, RateLimitPolicy policy, long cost, Degradation degraded) {
        return breaker.guard(() -> budget.call(() -> counters.consume(key, policy, cost)))
                .map(consumption -> RateLimiter.decide(policy, cost, consumption))
                .invoke(decision -> Outcomes.mark(decision instanceof RateLimitDecision.Denied ? "denied" : "allowed"))
                .onFailure(Outcomes::isStoreFailure).recoverWithItem(failure -> {
                    degraded.record(failure);
                    return RateLimiter.degraded(policy, cost);
                });
    }

    /**
     * The policy of that name: stored, else configured; a configured one also stands in while the store
     * cannot answer. Under the same budget as checks (it usually answers at once, from the adapter's
     * in-process copy).
     */
    private Uni<RateLimitPolicy> policy(PolicyName name) {
        RateLimitPolicy fallback = configured.get(name);
        Optional<Optional<RateLimitPolicy>> atOnce = stored.findAtOnce(name);
        if (atOnce.isPresent()) {
            // Held in process: no store call, so nothing for the budget to bound.
            Optional<RateLimitPolicy> found = atOnce.get().or(() -> Optional.ofNullable(fallback));
            return found.isPresent() ? Uni.createFrom().item(found.get()) : Uni.createFrom().failure(noSuchPolicy(name));
        }
        return budget.read(() -> stored.find(name))
                .onFailure(Outcomes::isStoreFailure).recoverWithUni(failure -> fallback != null
                        ? Uni.createFrom().item(Optional.of(fallback))
                        : Uni.createFrom().failure(failure))
                .map(found -> found.or(() -> Optional.ofNullable(fallback)).orElseThrow(() -> noSuchPolicy(name)));
    }

    private static void requireAny(Principal caller) {
        if (!caller.hasScope(Scope.RATE_LIMITS) && !caller.hasScope(Scope.ADMIN)) {
            throw new AccessDeniedException("this key lacks the scope rate-limits");
        }
    }

    private static NoSuchObjectException noSuchPolicy(PolicyName name) {
        return new NoSuchObjectException("no rate limit policy named " + name);
    }
}
