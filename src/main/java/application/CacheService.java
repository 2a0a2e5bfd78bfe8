package application;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheInvalidator;
import domain.cache.CacheKey;
import domain.cache.CachePolicy;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.Invalidation;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.project.ProjectId;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The project cache use cases: read, write, remove, invalidate, list and count, each after the
 * caller's access to the project is checked.
 *
 * <p>Failure policy: a read the store cannot answer is a miss (the caller falls back to its
 * source), counted and logged once per burst; every other operation fails with 503. Store calls
 * are bounded by a timeout, and one circuit breaker stops hammering a store that is down.
 */
@ApplicationScoped
public class CacheService {

    private static final Logger LOG = Logger.getLogger(CacheService.class);

    private final CacheRepository cache;
    private final CacheInvalidator invalidator;
    private final CachePolicy policy;
    private final AtomicLong degradedReads = new AtomicLong();
    private final OncePerBurst degradedLog = new OncePerBurst(30_000);

    public CacheService(CacheRepository cache, CachePolicy policy) {
        this.cache = cache;
        this.invalidator = new CacheInvalidator(cache);
        this.policy = policy;
    }

    /** The live entry, or empty on a miss or when the store cannot answer (a degraded miss). */
    @WithSpan("cache.read")
    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000,
            failOn = {StoreUnavailableException.class, TimeoutException.class})
    @Fallback(fallbackMethod = "missWhenStoreFails",
            applyOn = {StoreUnavailableException.class, TimeoutException.class, CircuitBreakerOpenException.class})
    public Uni<Optional<CacheEntry>> read(Principal caller, @SpanAttribute("project") ProjectId project, CacheKey key) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return cache.find(project, key)
                    .invoke(found -> Span.current().setAttribute("cache.hit", found.isPresent()));
        });
    }

    Uni<Optional<CacheEntry>> missWhenStoreFails(Principal caller, ProjectId project, CacheKey key) {
        long count = degradedReads.incrementAndGet();
        degradedLog.run(() -> LOG.warnf("cache store unavailable: reads answer misses (%d so far)", count));
        Span.current().setAttribute("cache.degraded", true);
        return Uni.createFrom().item(Optional.empty());
    }

    /** Reads the store could not answer and served as misses, since start. */
    public long degradedReads() {
        return degradedReads.get();
    }

    /**
     * Writes a JSON value under the policy's limits.
     *
     * @param ttlSeconds empty for the default TTL
     */
    @WithSpan("cache.write")
    @Timeout(1000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000,
            failOn = {StoreUnavailableException.class, TimeoutException.class})
    public Uni<PutOutcome> write(Principal caller, @SpanAttribute("project") ProjectId project, CacheKey key,
            String json, OptionalLong ttlSeconds, Set<CacheTag> tags, Precondition precondition) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.put(project, key, policy.write(json, ttlSeconds, tags, precondition));
        });
    }

    /** Removes one entry; idempotent. */
    @WithSpan("cache.remove")
    @Timeout(1000)
    public Uni<Boolean> remove(Principal caller, @SpanAttribute("project") ProjectId project, CacheKey key) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.remove(project, Set.of(key)).map(n -> n > 0);
        });
    }

    /** Removes what the invalidation selects; answers how many live entries went. */
    @WithSpan("cache.invalidate")
    @Timeout(30_000)
    public Uni<Long> invalidate(Principal caller, @SpanAttribute("project") ProjectId project, Invalidation invalidation) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return invalidator.invalidate(project, invalidation);
        });
    }

    /** Removes every entry of the project, and nothing of any other. */
    @WithSpan("cache.clear")
    @Timeout(30_000)
    public Uni<Long> clear(Principal caller, @SpanAttribute("project") ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.removeAll(project);
        });
    }

    /** One page of the project's live keys that match the pattern. */
    @WithSpan("cache.list")
    @Timeout(1000)
    public Uni<KeyPage> list(Principal caller, @SpanAttribute("project") ProjectId project, KeyPattern pattern,
            Optional<CacheKey> after, PageSize size) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return cache.keys(project, pattern, after, size);
        });
    }

    /** Live entries, hits and misses of the project. */
    @WithSpan("cache.stats")
    @Timeout(1000)
    public Uni<CacheStats> stats(Principal caller, @SpanAttribute("project") ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return cache.stats(project);
        });
    }
}
