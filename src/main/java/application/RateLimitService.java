package application;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.Scope;
import domain.project.ProjectId;
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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * Rate limiting use cases: check (and count) an identifier against a policy, read or reset its
 * state, manage policies, and limit every principal's use of the service's own API.
 *
 * <p>A check waits at most {@link RateLimitSettings#storeTimeout()} for the store; past that, or
 * when the store fails, the policy's fail mode decides, the decision is marked degraded, counted,
 * and logged once per burst. A check is never retried: counting twice would be wrong.
 */
@ApplicationScoped
public class RateLimitService {

    private static final Logger LOG = Logger.getLogger(RateLimitService.class);
    private static final Logger AUDIT = Logger.getLogger("audit");

    private final RateLimitRepository counters;
    private final RateLimitPolicies stored;
    private final RateLimitSettings settings;
    private final Map<PolicyName, RateLimitPolicy> configured;
    private final Counter degradedDecisions;
    private final OncePerBurst degradedLog = new OncePerBurst(30_000);

    public RateLimitService(RateLimitRepository counters, RateLimitPolicies stored, RateLimitSettings settings,
            MeterRegistry meters) {
        this.counters = counters;
        this.stored = stored;
        this.settings = settings;
        this.configured = settings.configured().stream().collect(Collectors.toUnmodifiableMap(RateLimitPolicy::name, Function.identity()));
        this.degradedDecisions = Counter.builder("ratelimit.decisions.degraded")
                .description("rate limit decisions made by fail mode because the store could not answer")
                .register(meters);
    }

    /** A policy as the service knows it, and whether it comes from configuration (and only from there). */
    public record KnownPolicy(RateLimitPolicy policy, boolean fromConfiguration) {
    }

    /**
     * Checks {@code cost} units (default 1) for the identifier against the policy and counts them
     * if every window admits them.
     */
    @WithSpan("ratelimit.check")
    public Uni<RateLimitDecision> check(Principal caller, @SpanAttribute("project") ProjectId project, PolicyName name,
            Identifier identifier, OptionalLong cost) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> {
                long units = policy.checkCost(cost.orElse(1));
                return decide(RateLimitKey.inProject(project, name, identifier), policy, units);
            });
        });
    }

    /** Every window's status for the identifier now, counting nothing. */
    @WithSpan("ratelimit.state")
    public Uni<List<WindowStatus>> state(Principal caller, @SpanAttribute("project") ProjectId project, PolicyName name,
            Identifier identifier) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> counters.peek(RateLimitKey.inProject(project, name, identifier), policy)
                    .ifNoItem().after(settings.storeTimeout()).failWith(RateLimitService::timedOut)
                    .map(states -> RateLimiter.status(policy, states)));
        });
    }

    /** Forgets every count of the identifier under the policy. */
    @WithSpan("ratelimit.reset")
    @Timeout(1000)
    public Uni<Void> reset(Principal caller, @SpanAttribute("project") ProjectId project, PolicyName name, Identifier identifier) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.RATE_LIMITS);
            return policy(name).chain(policy -> counters.reset(RateLimitKey.inProject(project, name, identifier)))
                    .invoke(() -> AUDIT.infof("rate-limit reset project=%s policy=%s scope=%s actor=%s",
                            project, name, identifier.scope().wireName(), caller.name()));
        });
    }

    /**
     * The caller's use of the service's API, checked against the policy {@code api}; empty when
     * API protection is off.
     */
    public Uni<Optional<RateLimitDecision>> checkApi(Principal caller) {
        if (!settings.protectApi()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return policy(PolicyName.API)
                .chain(policy -> decide(RateLimitKey.forApi(caller.name()), policy, 1))
                .map(Optional::of);
    }

    /** Every policy: stored ones, and configured ones not overridden by a stored one. */
    @WithSpan("ratelimit.policies.list")
    @Timeout(1000)
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
    @WithSpan("ratelimit.policies.get")
    @Timeout(1000)
    public Uni<KnownPolicy> policy(Principal caller, PolicyName name) {
        return Uni.createFrom().deferred(() -> {
            requireAny(caller);
            return stored.find(name).map(found -> found.map(p -> new KnownPolicy(p, false))
                    .or(() -> Optional.ofNullable(configured.get(name)).map(p -> new KnownPolicy(p, true)))
                    .orElseThrow(() -> noSuchPolicy(name)));
        });
    }

    /** Creates or replaces a stored policy (scope admin); the next check on every instance uses it. Answers whether it was new. */
    @WithSpan("ratelimit.policies.save")
    @Timeout(1000)
    public Uni<Boolean> save(Principal caller, RateLimitPolicy policy) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return stored.find(policy.name()).chain(before -> stored.save(policy)
                    .invoke(() -> AUDIT.infof("rate-limit policy saved name=%s actor=%s", policy.name(), caller.name()))
                    .replaceWith(before.isEmpty()));
        });
    }

    /** Deletes a stored policy (scope admin); a configured policy of that name applies again. */
    @WithSpan("ratelimit.policies.delete")
    @Timeout(1000)
    public Uni<Void> delete(Principal caller, PolicyName name) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return stored.delete(name).map(deleted -> {
                if (!deleted && configured.containsKey(name)) {
                    throw new ConflictException("policy " + name + " comes from configuration; override it with PUT instead");
                }
                if (!deleted) {
                    throw noSuchPolicy(name);
                }
                AUDIT.infof("rate-limit policy deleted name=%s actor=%s", name, caller.name());
                return null;
            });
        });
    }

    /** Decisions the store could not answer and the fail mode made, since start. */
    public double degradedDecisions() {
        return degradedDecisions.count();
    }

    private Uni<RateLimitDecision> decide(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return counters.consume(key, policy, cost)
                .ifNoItem().after(settings.storeTimeout()).failWith(RateLimitService::timedOut)
                .map(consumption -> RateLimiter.decide(policy, cost, consumption))
                .onFailure(StoreUnavailableException.class).recoverWithItem(failure -> {
                    degradedDecisions.increment();
                    degradedLog.run(() -> LOG.warnf("rate limit store unavailable: deciding by fail mode (%s)", failure.getMessage()));
                    Span.current().setAttribute("ratelimit.degraded", true);
                    return RateLimiter.degraded(policy, cost);
                });
    }

    /** The policy of that name: stored, else configured; a configured one also stands in while the store cannot answer. */
    private Uni<RateLimitPolicy> policy(PolicyName name) {
        RateLimitPolicy fallback = configured.get(name);
        return stored.find(name)
                .ifNoItem().after(settings.storeTimeout()).failWith(RateLimitService::timedOut)
                .onFailure(StoreUnavailableException.class).recoverWithUni(failure -> fallback != null
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

    private static StoreUnavailableException timedOut() {
        return new StoreUnavailableException("the rate limit store did not answer in time", null);
    }
}
