package application;

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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The project cache use cases: read, write, remove, invalidate, list and count, each after the
 * caller's access to the project is checked.
 *
 * <p>Failure policy: every store call is bounded by the guard {@value Guards#CACHE} (the store
 * budget and the cache's circuit breaker), bulk operations by {@value Guards#BULK}. A read the
 * store cannot answer is a miss (the caller falls back to its source), counted and logged once per
 * burst; a write fails with 503, or is accepted and dropped where so configured; everything else
 * fails with 503. Reads, listings and statistics are idempotent and tried once more after a store
 * failure; writes and removals never are.
 *
 * <p>Reads and writes are the hot path: their span, guard and timer are applied by a precomputed
 * {@link HotPath} rather than interceptors; the other operations are {@link Measured} per method.
 * A read is a pure read of the store: its hit or miss is counted in process and recorded in batches
 * ({@link CacheReadRecorder}), while every answer of this instance already counts it.
 */
@Singleton
public class CacheService {

    private static final Logger LOG = Logger.getLogger(CacheService.class);
    /** The longest the service's stop waits for the last read statistics to reach the store. */
    private static final Duration LAST_FLUSH_WAIT = Duration.ofSeconds(2);
    /** Counter of cache reads; tag {@code result}: {@code hit}, {@code miss} or {@code degraded}. */
    static final String READS = "cache.reads";

    private final CacheRepository cache;
    private final CacheInvalidator invalidator;
    private final CachePolicy policy;
    private final CacheSettings settings;
    private final Counter hits;
    private final Counter misses;
    private final Counter degradedReads;
    private final Degradation missWhenUnavailable;
    private final Degradation dropWhenUnavailable;
    private final HotPath reading;
    private final HotPath writing;
    private final CacheReadRecorder readRecorder;
    private final Clock clock;
    private volatile Cancellable flushing;

    @Inject
    public CacheService(CacheRepository cache, CachePolicy policy, CacheSettings settings, MeterRegistry meters,
            Clock clock, HotPaths paths, @Identifier(Guards.CACHE) StoreGuard guard) {
        this(cache, policy, settings, meters, clock, paths.of("cache.read", guard), paths.of("cache.write", guard),
                paths.of("cache.record", null));
    }

    /**
     * Outside a container (tests, tools): no guard, no fallback, no span; only the timers. Read
     * statistics go to the store when the buffer is full or {@link #flushReads()} is called: no timer.
     */
    public CacheService(CacheRepository cache, CachePolicy policy, CacheSettings settings, MeterRegistry meters, Clock clock) {
        this(cache, policy, settings, meters, clock, new HotPath("cache.read", null, null, meters, null),
                new HotPath("cache.write", null, null, meters, null), new HotPath("cache.record", null, null, meters, null));
    }

    private CacheService(CacheRepository cache, CachePolicy policy, CacheSettings settings, MeterRegistry meters,
            Clock clock, HotPath reading, HotPath writing, HotPath recording) {
        this.reading = reading;
        this.writing = writing;
        this.clock = clock;
        this.readRecorder = new CacheReadRecorder(cache, settings.readBufferSize(), settings.readRecordTimeout(), recording, meters);
        this.cache = cache;
        this.invalidator = new CacheInvalidator(cache);
        this.policy = policy;
        this.settings = settings;
        this.hits = reads(meters, "hit");
        this.misses = reads(meters, "miss");
        this.degradedReads = reads(meters, "degraded");
        this.missWhenUnavailable = new Degradation(meters, "cache", "read", LOG, "cache store unavailable: reads answer misses");
        this.dropWhenUnavailable = new Degradation(meters, "cache", "write", LOG, "cache store unavailable: writes are dropped");
    }

    /**
     * Creates the service at startup rather than on first use, so that its meters exist (at zero)
     * from the start, and starts sending read statistics to the store every flush interval.
     */
    void createdAtStartup(@Observes Startup startup) {
        flushing = Multi.createFrom().ticks().every(settings.readFlushInterval())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> readRecorder.flush())
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("cache read statistics stopped going to the store: %s", failure.toString()));
    }

    /**
     * At shutdown, before the store closes: stops the timer and sends what is held, waiting for it
     * at most {@link #LAST_FLUSH_WAIT} (this runs on the thread that stops the service, never on an event loop).
     */
    void flushAtShutdown(@Observes Shutdown shutdown) {
        Cancellable timer = flushing;
        if (timer != null) {
            timer.cancel();
        }
        try {
            readRecorder.flush().await().atMost(LAST_FLUSH_WAIT);
        } catch (RuntimeException e) {
            LOG.debugf("the last cache read statistics did not reach the store: %s", e.toString());
        }
    }

    /** Sends the read statistics held in process to the store now; completes once it took or refused them. */
    public Uni<Void> flushReads() {
        return readRecorder.flush();
    }

    private static Counter reads(MeterRegistry meters, String result) {
        return Counter.builder(READS).description("cache reads by result").tag("result", result).register(meters);
    }

    /**
     * The live entry, or empty on a miss or when the store cannot answer (a degraded miss). Span
     * {@code cache.read}, guard {@value Guards#CACHE}, by its {@link HotPath}; an entry the adapter
     * holds in process ({@link CacheRepository#findAtOnce}) is answered at once, in the same span and
     * timer but under no guard.
     */
    public Uni<Optional<CacheEntry>> read(Principal caller, ProjectId project, CacheKey key) {
        if (caller.permits(project, Scope.CACHE_READ)) {
            // A copy the store's adapter holds in process needs no store call, and so no guard.
            Optional<CacheEntry> held = cache.findAtOnce(project, key);
            if (held.isPresent()) {
                return reading.atOnce(project, "hit", () -> {
                    hits.increment();
                    return Optional.of(readRecorder.hit(project, held.get(), Instant.ofEpochMilli(clock.millis())));
                });
            }
        }
        return reading.call(project, () -> Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return Retries.idempotent(() -> cache.find(project, key)).map(found -> {
                (found.isPresent() ? hits : misses).increment();
                Outcomes.mark(found.isPresent() ? "hit" : "miss");
                if (found.isEmpty()) {
                    readRecorder.miss(project);
                    return found;
                }
                return Optional.of(readRecorder.hit(project, found.get(), Instant.ofEpochMilli(clock.millis())));
            });
        }), failure -> missWhenStoreFails(caller, project, key, failure));
    }

    Uni<Optional<CacheEntry>> missWhenStoreFails(Principal caller, ProjectId project, CacheKey key, Throwable failure) {
        degradedReads.increment();
        missWhenUnavailable.record(failure);
        return Uni.createFrom().item(Optional.empty());
    }

    /**
     * Writes a JSON value under the policy's limits; never retried (a version would be spent twice).
     * Span {@code cache.write}, guard {@value Guards#CACHE}, by its {@link HotPath}.
     *
     * @param ttlSeconds empty for the default TTL
     */
    public Uni<PutOutcome> write(Principal caller, ProjectId project, CacheKey key,
            String json, OptionalLong ttlSeconds, Set<CacheTag> tags, Precondition precondition) {
        return writing.call(project, () -> Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.put(project, key, policy.write(json, ttlSeconds, tags, precondition));
        }), failure -> dropWhenStoreFails(caller, project, key, json, ttlSeconds, tags, precondition, failure));
    }

    Uni<PutOutcome> dropWhenStoreFails(Principal caller, ProjectId project, CacheKey key, String json,
            OptionalLong ttlSeconds, Set<CacheTag> tags, Precondition precondition, Throwable failure) {
        // A write its replicas did not confirm reached the store: it was not dropped, and may be kept.
        if (!settings.dropWritesWhenUnavailable() || failure instanceof domain.StoreNotReplicatedException) {
            return Uni.createFrom().failure(failure);
        }
        dropWhenUnavailable.record(failure);
        return Uni.createFrom().item(new PutOutcome.Dropped());
    }

    /** Removes one entry; idempotent, but not retried: its answer (removed or not) would be wrong the second time. */
    @Measured
    @WithSpan("cache.remove")
    @Guarded(Guards.CACHE)
    public Uni<Boolean> remove(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, CacheKey key) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.remove(project, Set.of(key)).map(n -> n > 0);
        });
    }

    /** Removes what the invalidation selects; answers how many live entries went. */
    @Measured
    @WithSpan("cache.invalidate")
    @Guarded(Guards.BULK)
    public Uni<Long> invalidate(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, Invalidation invalidation) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return invalidator.invalidate(project, invalidation);
        });
    }

    /** Removes every entry of the project, and nothing of any other. */
    @Measured
    @WithSpan("cache.clear")
    @Guarded(Guards.BULK)
    public Uni<Long> clear(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_WRITE);
            return cache.removeAll(project);
        });
    }

    /** One page of the project's live keys that match the pattern. */
    @Measured
    @WithSpan("cache.list")
    @Guarded(Guards.CACHE)
    public Uni<KeyPage> list(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, KeyPattern pattern,
            Optional<CacheKey> after, PageSize size) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return Retries.idempotent(() -> cache.keys(project, pattern, after, size));
        });
    }

    /** Live entries, hits and misses of the project. */
    @Measured
    @WithSpan("cache.stats")
    @Guarded(Guards.CACHE)
    public Uni<CacheStats> stats(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return Retries.idempotent(() -> cache.stats(project)).map(stored -> readRecorder.stats(project, stored));
        });
    }
}
