package support;

import domain.StoreUnavailableException;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheReads;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.CacheWrite;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.PutOutcome;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A cache store (the memory store, say) made to fail its next calls as an unreachable store would, counting them. */
public final class FailingCacheStore implements CacheRepository {

    private final CacheRepository store;
    private final AtomicInteger failures = new AtomicInteger();
    public final AtomicInteger finds = new AtomicInteger();
    public final AtomicInteger puts = new AtomicInteger();
    public final AtomicInteger records = new AtomicInteger();
    public final AtomicInteger entryPages = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger hangs = new AtomicInteger();

    public FailingCacheStore(CacheRepository store) {
        this.store = store;
    }

    /** Its next {@code calls} finds and puts fail as an unreachable store's would. */
    public void failNext(int calls) {
        failures.set(calls);
    }

    private <T> Uni<T> call(AtomicInteger counter, Uni<T> call) {
        return Uni.createFrom().deferred(() -> {
            counter.incrementAndGet();
            return failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? Uni.createFrom().failure(new StoreUnavailableException("connection closed", null))
                    : call;
        });
    }

    @Override
    public Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key) {
        return call(finds, store.find(project, key));
    }

    @Override
    public Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write) {
        return call(puts, store.put(project, key, write));
    }

    /** Its next {@code calls} records of read statistics fail as an unreachable store's would. */
    public void refuseNextRecords(int calls) {
        refusals.set(calls);
    }

    /** Its next {@code calls} records of read statistics never answer, as a hung store's would. */
    public void hangNextRecords(int calls) {
        hangs.set(calls);
    }

    @Override
    public Uni<Void> record(CacheReads reads) {
        return Uni.createFrom().deferred(() -> {
            records.incrementAndGet();
            if (hangs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Uni.createFrom().nothing();
            }
            return refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? Uni.createFrom().failure(new StoreUnavailableException("connection closed", null))
                    : store.record(reads);
        });
    }

    @Override
    public Uni<Long> remove(ProjectId project, Collection<CacheKey> keys) {
        return store.remove(project, keys);
    }

    @Override
    public Uni<Long> removeTagged(ProjectId project, CacheTag tag) {
        return store.removeTagged(project, tag);
    }

    @Override
    public Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size) {
        return store.keys(project, pattern, after, size);
    }

    /** Fails like finds and puts, when they are set to. */
    @Override
    public Uni<domain.cache.EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes) {
        return call(entryPages, store.entries(project, after, size, maxBytes));
    }

    @Override
    public Uni<domain.cache.ResealPage> reseal(ProjectId project, java.util.Optional<domain.cache.CacheKey> after,
            domain.cache.PageSize size) {
        return store.reseal(project, after, size);
    }

    @Override
    public Uni<Long> removeAll(ProjectId project) {
        return store.removeAll(project);
    }

    @Override
    public Uni<CacheStats> stats(ProjectId project) {
        return store.stats(project);
    }

    @Override
    public Uni<java.util.List<ProjectId>> projects() {
        return store.projects();
    }
}
