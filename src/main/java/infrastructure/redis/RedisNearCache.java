package infrastructure.redis;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheReads;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.EntryPage;
import domain.cache.CacheWrite;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.PutOutcome;
import domain.cache.ResealPage;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The cache port on Redis with a near cache: recently read entries held in this process
 * ({@link HotEntries}) answer reads without Redis, kept coherent by Redis's own invalidation
 * messages ({@link RedisEntryTracking}).
 *
 * <p>It never serves what it should know is stale:
 * <ul>
 * <li>while tracking is not confirmed, nothing is held and every read goes to Redis; the moment it
 * is lost, every copy is dropped;</li>
 * <li>a read fills only if no change of its entry was heard since it began, and no loss or
 * re-establishment of tracking happened in between (the fill race);</li>
 * <li>this instance's own writes and removals drop their copies as soon as Redis answers them, so
 * that its next read sees them even before Redis's message arrives;</li>
 * <li>no copy is served past its entry's expiry, nor held longer than the longest lifetime.</li>
 * </ul>
 * Reads of other instances' writes are stale at most until Redis's message arrives: Redis queues it
 * before it answers the writer.
 *
 * <p>Statistics stay true: the service counts every read it answers, from here or from Redis, and
 * records them in batches. Redis keeps an entry's statistics apart from the entry, so a recording is
 * no change a near cache hears of; the copies this instance holds take the counts its own recordings
 * leave, and other instances' reads show in a copy when it is next read from Redis: after a change of
 * the entry, or at the latest after the longest lifetime.
 */
public final class RedisNearCache implements CacheRepository, RedisEntryTracking.Listener {

    /** Counter of reads by {@code result}: {@code hit} (answered here), {@code miss} (went to Redis) or {@code bypass} (near cache off for it). */
    static final String READS = "cache.near.reads";

    private final RedisCacheRepository redis;
    private final HotEntries copies;
    private final Predicate<ProjectId> enabledFor;
    private final BeforeFill beforeFill;
    private final Counter hits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter invalidations;
    private final Counter resets;
    private volatile boolean live;

    /** A pause between a read from Redis and the fill of its copy; tests use it to change the entry in between. */
    @FunctionalInterface
    interface BeforeFill {
        Uni<Void> pause(ProjectId project, CacheKey key);
    }

    /**
     * @param redis      the cache on Redis
     * @param copies     where copies are held, with their bounds
     * @param enabledFor the projects whose entries are held (the per-project setting)
     */
    public RedisNearCache(RedisCacheRepository redis, HotEntries copies, Predicate<ProjectId> enabledFor, MeterRegistry meters) {
        this(redis, copies, enabledFor, meters, (project, key) -> Uni.createFrom().voidItem());
    }

    RedisNearCache(RedisCacheRepository redis, HotEntries copies, Predicate<ProjectId> enabledFor, MeterRegistry meters,
            BeforeFill beforeFill) {
        this.redis = redis;
        this.copies = copies;
        this.enabledFor = enabledFor;
        this.beforeFill = beforeFill;
        this.hits = reads(meters, "hit");
        this.misses = reads(meters, "miss");
        this.bypasses = reads(meters, "bypass");
        this.invalidations = Counter.builder("cache.near.invalidations")
                .description("entries Redis reported changed, whether or not a copy was held").register(meters);
        this.resets = Counter.builder("cache.near.resets")
                .description("times every copy was dropped: tracking lost, or the database flushed").register(meters);
        Gauge.builder("cache.near.state", this, near -> near.live ? 1 : 0)
                .description("1 while the near cache answers reads (Redis tracks the entries for it), else 0").register(meters);
        Gauge.builder("cache.near.entries", copies, HotEntries::size)
                .description("entries held in the near cache").register(meters);
    }

    private static Counter reads(MeterRegistry meters, String result) {
        return Counter.builder(READS).description("cache reads seen by the near cache, by result").tag("result", result)
                .register(meters);
    }

    /** True while copies are held and served. */
    public boolean live() {
        return live;
    }

    /** Copies held now. */
    public long size() {
        return copies.size();
    }

    @Override
    public void established() {
        copies.clear();
        live = true;
    }

    @Override
    public void changed(ProjectId project, String key) {
        invalidations.increment();
        copies.removed(new HotEntries.Id(project, key));
    }

    @Override
    public void everythingChanged() {
        resets.increment();
        copies.clear();
    }

    @Override
    public void lost() {
        live = false;
        resets.increment();
        copies.clear();
    }

    /** The copy held, when the near cache is on for the project; counted as a hit. */
    @Override
    public Optional<CacheEntry> findAtOnce(ProjectId project, CacheKey key) {
        if (!live || !enabledFor.test(project)) {
            return Optional.empty();
        }
        CacheEntry held = copies.get(new HotEntries.Id(project, key.value()));
        if (held == null) {
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(held);
    }

    @Override
    public Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key) {
        if (!live || !enabledFor.test(project)) {
            bypasses.increment();
            return redis.find(project, key);
        }
        Optional<CacheEntry> held = findAtOnce(project, key);
        if (held.isPresent()) {
            return Uni.createFrom().item(held);
        }
        HotEntries.Id id = new HotEntries.Id(project, key.value());
        misses.increment();
        long stamp = copies.stamp(id);
        return redis.find(project, key)
                .call(found -> found.isPresent() ? beforeFill.pause(project, key) : Uni.createFrom().voidItem())
                .invoke(found -> {
                    // Lost after the stamp: the loss moved every stripe, so the fill below fails on its own.
                    if (found.isPresent() && live) {
                        copies.fill(id, found.get(), stamp);
                    }
                });
    }

    @Override
    public Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write) {
        return dropping(redis.put(project, key, write), outcome -> copies.removed(new HotEntries.Id(project, key.value())));
    }

    @Override
    public Uni<Long> remove(ProjectId project, Collection<CacheKey> names) {
        return dropping(redis.remove(project, names),
                removed -> names.forEach(name -> copies.removed(new HotEntries.Id(project, name.value()))));
    }

    @Override
    public Uni<Long> removeTagged(ProjectId project, CacheTag tag) {
        return dropping(redis.removeTagged(project, tag), removed -> copies.removedAll(project));
    }

    /** From Redis itself: an export neither uses nor fills the copies held for hot reads. */
    @Override
    public Uni<EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes) {
        return redis.entries(project, after, size, maxBytes);
    }

    @Override
    public Uni<List<ProjectId>> projects() {
        return redis.projects();
    }

    /** Values keep their text: the copies held stay right (Redis still tells of each write, which drops them). */
    @Override
    public Uni<ResealPage> reseal(ProjectId project, Optional<CacheKey> after, PageSize size) {
        return redis.reseal(project, after, size);
    }

    @Override
    public Uni<Long> removeAll(ProjectId project) {
        return dropping(redis.removeAll(project), removed -> copies.removedAll(project));
    }

    /**
     * A recording leaves the entries alone in Redis (their statistics live apart), so no copy is
     * dropped for it; the copies held take the counts Redis now holds instead.
     */
    @Override
    public Uni<Void> record(CacheReads reads) {
        return redis.recordCounting(reads, (project, key, hits, lastAccessAt) ->
                copies.counted(new HotEntries.Id(project, key.value()), hits, lastAccessAt));
    }

    /**
     * Drops the copies a change touched once Redis answered it, and also when it failed or was
     * given up (a guard's verdict): such a change may still have been made.
     */
    private <T> Uni<T> dropping(Uni<T> change, java.util.function.Consumer<T> drop) {
        return change.onTermination().invoke((item, failure, cancelled) -> drop.accept(item));
    }

    @Override
    public Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size) {
        return redis.keys(project, pattern, after, size);
    }

    @Override
    public Uni<CacheStats> stats(ProjectId project) {
        return redis.stats(project);
    }
}
