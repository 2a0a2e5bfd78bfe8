package application;

import domain.StoreUnavailableException;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Revocations;
import domain.access.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Authenticates API keys, and lets administrators create, list and revoke them.
 *
 * <p>Every store call is bounded by the guard {@value Guards#API_KEYS} (the lookup timeout as its budget, and the
 * API keys' circuit breaker). Lookups are idempotent and tried once more after a store failure.
 * Keys the store confirmed are held in process ({@link KnownKeys}) while revocation notices reach
 * this instance, and secrets it refused are remembered briefly ({@link UnknownKeys}), so that most
 * requests make no store lookup. Such in-process answers bypass every interceptor: only the store
 * lookup and the administration methods are measured ({@link Measured}, per method), traced and
 * guarded, so the {@value Guards#API_KEYS} breaker and the {@code apikeys} operation metrics count
 * store calls only.
 */
@Singleton
public class ApiKeyService {

    private static final Logger AUDIT = Logger.getLogger("audit");
    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    /** Counter of authentications answered without the store; tag {@code answer}: {@code bootstrap}, {@code known}, {@code unknown}. */
    static final String IN_PROCESS = "apikeys.in.process";

    private final ApiKeyRepository keys;
    private final BootstrapKey bootstrap;
    private final AuthenticationPolicy policy;
    private final Clock clock;
    /** Principals the store confirmed, by secret digest: used only while the store cannot answer. */
    private final Map<String, Confirmed> confirmed = new ConcurrentHashMap<>();
    private final Degradation stale;
    private final Revocations revocations;
    private final RequestContexts contexts;
    /** Store lookups running now, by digest and epoch of {@link KnownKeys}. */
    private final ConcurrentHashMap<String, Uni<Optional<Principal>>> lookups = new ConcurrentHashMap<>();
    /** Keys the store confirmed, answering without a lookup while revocation notices reach this instance. */
    private final KnownKeys known;
    /** Secrets the store refused just now, refused again without a lookup. */
    private final UnknownKeys unknown;
    /** When this instance last noted each key's use in the store. */
    private final KeyUses uses;
    private final Counter bootstrapAnswers;
    private final Counter knownAnswers;
    private final Counter unknownAnswers;

    public ApiKeyService(ApiKeyRepository keys, BootstrapKey bootstrap, AuthenticationPolicy policy, Clock clock,
            MeterRegistry meters, Revocations revocations, RequestContexts contexts) {
        this.keys = keys;
        this.contexts = contexts;
        this.revocations = revocations;
        this.bootstrap = bootstrap;
        this.policy = policy;
        this.clock = clock;
        this.stale = new Degradation(meters, "apikeys", "authenticate", LOG,
                "key store unavailable: accepting keys it confirmed recently");
        this.known = new KnownKeys(clock, policy.keyCacheMaxAge(), policy.keyCacheSize(), revocations::live);
        this.unknown = new UnknownKeys(clock, policy.unknownKeyMaxAge(), policy.unknownKeyCacheSize(), revocations::live);
        this.uses = new KeyUses(clock, Math.max(1_000, policy.keyCacheSize()));
        revocations.listen(known);
        revocations.listen(unknown);
        this.bootstrapAnswers = inProcess(meters, "bootstrap");
        this.knownAnswers = inProcess(meters, "known");
        this.unknownAnswers = inProcess(meters, "unknown");
    }

    private static Counter inProcess(MeterRegistry meters, String answer) {
        return Counter.builder(IN_PROCESS)
                .description("authentications answered in process, without a store lookup: the bootstrap key, a held key, a refused secret")
                .tag("answer", answer).register(meters);
    }

    /** Creates the service at startup rather than on first use, so that its meters exist (at zero) from the start. */
    void createdAtStartup(@Observes Startup startup) {
    }

    /** {@code expiresAt}: the key's own expiry, null when it has none. */
    private record Confirmed(Principal principal, Instant at, Instant expiresAt) {
    }

    /** A key as an administrator sees it, with its last noted use (at most {@link KeyUses#GRANULARITY} behind, per instance). */
    public record Listed(ApiKey key, Optional<Instant> lastUsedAt) {
    }

    /** A key created just now, with its secret: the only time the secret is seen. */
    public record Created(ApiKey key, ApiKeySecret secret) {
    }

    /**
     * The principal of a presented secret; empty when no live key has it. Answered in process, with
     * no span, no guard and no store call, for the bootstrap key, a key the store confirmed while
     * revocation notices reach this instance ({@link KnownKeys}), and a secret the store said just
     * now that no key has ({@link UnknownKeys}); each such answer is counted in {@value #IN_PROCESS}.
     * Otherwise the store is asked ({@link #lookUp}). The secret is never an attribute of a span.
     */
    public Uni<Optional<Principal>> authenticate(String presentedSecret) {
        String digest = ApiKeySecret.of(presentedSecret).digest();
        if (bootstrap.matches(digest)) {
            bootstrapAnswers.increment();
            return Uni.createFrom().item(Optional.of(bootstrap.principal()));
        }
        Optional<Principal> held = known.find(digest);
        if (held.isPresent()) {
            knownAnswers.increment();
            noteUse(held.get());
            return Uni.createFrom().item(held);
        }
        if (unknown.holds(digest)) {
            unknownAnswers.increment();
            return Uni.createFrom().item(Optional.empty());
        }
        // ArC intercepts a bean's calls to its own methods: the span, the guard, the fallback and the
        // measurement below apply to this call, and to nothing answered above.
        return lookUp(digest);
    }

    /**
     * Asks the store for the key with that secret digest, under the guard {@value Guards#API_KEYS}.
     * Only when the store cannot answer (failure, timeout, open breaker) does a recent confirmation
     * stand in (see {@link AuthenticationPolicy}); otherwise the failure propagates and the request
     * fails closed. What the store answers is held ({@link KnownKeys}, {@link UnknownKeys}).
     */
    @Measured
    @WithSpan("apikeys.authenticate")
    @Guarded(Guards.API_KEYS)
    @Fallback(fallbackMethod = "recentlyConfirmed",
            applyOn = {StoreUnavailableException.class, TimeoutException.class, CircuitBreakerOpenException.class})
    Uni<Optional<Principal>> lookUp(String digest) {
        return Uni.createFrom().deferred(() -> {
            KnownKeys.Lookup lookup = known.begin();
            return contexts.onCaller(sharedLookup(digest, lookup)).invoke(principal -> Outcomes.mark(principal.isPresent() ? "known" : "unknown"));
        });
    }

    /**
     * The store's answer for {@code digest}: one lookup for every request that asks while it runs,
     * so a burst of first requests with a new key (a thousand event streams opening at once) costs the
     * store one lookup per key, not one per request. Shared only within one epoch of {@link KnownKeys}:
     * a request that comes after a revocation notice asks the store again.
     */
    private Uni<Optional<Principal>> sharedLookup(String digest, KnownKeys.Lookup lookup) {
        String key = digest + "@" + lookup.epoch();
        Uni<Optional<Principal>> running = lookups.get(key);
        if (running != null) {
            return running;
        }
        UnknownKeys.Lookup refusal = unknown.begin();
        @SuppressWarnings("unchecked")
        Uni<Optional<Principal>>[] mine = new Uni[1];
        mine[0] = SingleFlight.of(Retries.idempotent(() -> keys.findByDigest(digest))
                // An expired key is refused exactly as an unknown one, and remembered as one: it never works again.
                .map(found -> found.filter(k -> !k.expiredAt(clock.instant())))
                .invoke(live -> {
                    if (live.isPresent()) {
                        known.confirmed(lookup, digest, live.get().principal(), live.get().expiry());
                        noteUse(live.get().principal());
                    } else {
                        unknown.unknown(refusal, digest);
                    }
                    remember(digest, live);
                })
                .map(found -> found.map(ApiKey::principal))
                .onTermination().invoke(() -> lookups.remove(key, mine[0])));
        running = lookups.putIfAbsent(key, mine[0]);
        return running != null ? running : mine[0];
    }

    /** While the store cannot answer: a key the store confirmed recently; else the failure. */
    Uni<Optional<Principal>> recentlyConfirmed(String digest, Throwable failure) {
        Confirmed known = confirmed.get(digest);
        Instant now = clock.instant();
        if (known == null || known.at().plus(policy.staleIfUnavailable()).isBefore(now)
                || known.expiresAt() != null && !now.isBefore(known.expiresAt())) {
            return Uni.createFrom().failure(failure);
        }
        stale.record(failure);
        return Uni.createFrom().item(Optional.of(known.principal()));
    }

    private void remember(String digest, Optional<ApiKey> key) {
        if (key.isEmpty()) {
            confirmed.remove(digest);
            return;
        }
        if (confirmed.size() >= policy.rememberedKeys() && !confirmed.containsKey(digest)) {
            confirmed.clear(); // crude but bounded; only a fallback for outages depends on it
        }
        if (policy.rememberedKeys() > 0) {
            confirmed.put(digest, new Confirmed(key.get().principal(), clock.instant(), key.get().expiry().orElse(null)));
        }
    }

    /**
     * Notes a key's use in the store when this instance noted none within {@link KeyUses#GRANULARITY}: at most
     * one write per key, minute and instance, made beside the request, which never waits for it. A note that
     * fails is only logged: the next one comes a minute later.
     */
    private void noteUse(Principal principal) {
        uses.due(principal.name()).ifPresent(at -> keys.recordUse(ApiKeyName.of(principal.name()), at)
                .ifNoItem().after(NOTE_TIMEOUT).fail()
                .subscribe().with(noted -> { }, failure -> LOG.debugf("an API key's last use was not noted: %s", failure)));
    }

    /** How long a note of a key's use may wait for the store: nobody waits for it, but it must not linger. */
    private static final java.time.Duration NOTE_TIMEOUT = java.time.Duration.ofSeconds(5);

    /** Creates a key that never expires, with at most the caller's own rights; the name must be free. */
    public Uni<Created> create(Principal caller, ApiKeyName name, ProjectAccess projects, Set<Scope> scopes) {
        return create(caller, name, projects, scopes, Optional.empty());
    }

    /**
     * Creates a key with at most the caller's own rights, working until {@code expiresAt} if given (which must
     * lie in the future); the name must be free.
     */
    @Measured
    @WithSpan("apikeys.create")
    @Guarded(Guards.API_KEYS)
    public Uni<Created> create(Principal caller, ApiKeyName name, ProjectAccess projects, Set<Scope> scopes,
            Optional<Instant> expiresAt) {
        return Uni.createFrom().deferred(() -> {
            if (!caller.mayGrant(projects, scopes)) {
                throw new AccessDeniedException("an administrator may only grant projects and scopes it holds itself");
            }
            if (name.value().equals(BootstrapKey.NAME)) {
                // Audit lines and stream tickets name a key's holder by name: one name, one holder.
                throw new NameTakenException("the name " + name + " is the operator's bootstrap key");
            }
            ApiKeySecret secret = ApiKeySecret.generate();
            ApiKey key = new ApiKey(name, secret.digest(), projects, scopes, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    expiresAt.map(at -> at.truncatedTo(ChronoUnit.MILLIS)).orElse(null));
            return keys.create(key).map(stored -> {
                if (!stored) {
                    throw new NameTakenException("an API key named " + name + " exists already");
                }
                AUDIT.infof("api-key created name=%s actor=%s", name, caller.name());
                return new Created(key, secret);
            });
        });
    }

    /** The keys the caller administers (those whose projects lie within its own), by name, with their last uses. */
    @Measured
    @WithSpan("apikeys.list")
    @Guarded(Guards.API_KEYS)
    public Uni<List<Listed>> list(Principal caller) {
        return visible(caller).chain(visible -> keys.lastUses(visible.stream().map(ApiKey::name).toList())
                .map(lastUses -> visible.stream().map(k -> new Listed(k, Optional.ofNullable(lastUses.get(k.name())))).toList()));
    }

    /** One key the caller administers, with its last use; a key outside the caller's projects is, to it, absent. */
    @Measured
    @WithSpan("apikeys.get")
    @Guarded(Guards.API_KEYS)
    public Uni<Listed> get(Principal caller, ApiKeyName name) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return Retries.idempotent(() -> keys.findByName(name))
                    .map(found -> found.filter(k -> caller.projects().covers(k.projects()))
                            .orElseThrow(() -> new NoSuchObjectException("no API key of that name")))
                    .chain(key -> keys.lastUses(List.of(name)).map(lastUses -> new Listed(key, Optional.ofNullable(lastUses.get(name)))));
        });
    }

    private Uni<List<ApiKey>> visible(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return keys.list().map(all -> all.stream().filter(k -> caller.projects().covers(k.projects())).toList());
        });
    }

    /** Revokes a key the caller administers, at once; false when there is none it may see. */
    @Measured
    @WithSpan("apikeys.revoke")
    @Guarded(Guards.API_KEYS)
    public Uni<Boolean> revoke(Principal caller, ApiKeyName name) {
        return visible(caller).chain(visible -> visible.stream().anyMatch(k -> k.name().equals(name))
                ? keys.delete(name).invoke(revoked -> {
                    if (revoked) {
                        // At once here, whatever becomes of the notice: this instance never answers with it again.
                        known.forget(name);
                        uses.forget(name.value());
                        confirmed.values().removeIf(c -> c.principal().name().equals(name.value()));
                        AUDIT.infof("api-key revoked name=%s actor=%s", name, caller.name());
                    }
                }).call(revoked -> revoked ? announce(new Revocation.KeyRevoked(name)) : Uni.createFrom().voidItem())
                : Uni.createFrom().item(false));
    }

    /**
     * Tells every instance, so that streams the key (or a ticket it asked for) holds open end there.
     * Best effort: the key is revoked already, and a notice that does not go out is made up for by
     * every stream's heartbeat check.
     */
    private Uni<Void> announce(Revocation notice) {
        return revocations.publish(notice).onFailure().recoverWithUni(failure -> {
            LOG.warnf("a revocation notice could not be sent; open streams end on their next heartbeat instead: %s",
                    failure.toString());
            return Uni.createFrom().voidItem();
        });
    }
}
