package infrastructure.memory;

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
import domain.cache.Versions;
import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import infrastructure.values.ValueCodec;
import infrastructure.values.ValueContext;

/**
 * The cache port in process memory, bounded by a maximum number of entries over all projects.
 *
 * <p>Eviction is fair between tenants: when a write takes the store over its bound, expired entries
 * go first; then the project holding the most entries (the writer's own on a tie) loses its entry
 * closest to expiry (ties: the one written first), never the entry just written. So a project holding
 * at most its fair share (the bound ÷ the projects holding entries) never loses an entry to another
 * project's writes, and a write that succeeded is readable at once. Choosing the project looks at
 * each project once, only while the store is full. Expiry order also lets {@link #sweepExpired()}
 * reclaim expired entries without a scan. Each project is guarded by its own lock; projects never contend.
 */
public final class InMemoryCacheRepository implements CacheRepository {

    private final Clock clock;
    private final int maxEntries;
    private final Duration projectRetention;
    private final ConcurrentHashMap<ProjectId, Space> spaces = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Expiry> byExpiry = new ConcurrentSkipListSet<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong writeOrder = new AtomicLong();
    private final ValueCodec values;

    /**
     * @param maxEntries       the most entries kept over all projects
     * @param projectRetention how long an empty project keeps its version sequence and statistics
     *                         after its last use; versions need no retention (see {@link Versions})
     */
    public InMemoryCacheRepository(Clock clock, int maxEntries, Duration projectRetention, ValueCodec values) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the embedded cache needs room for at least one entry");
        }
        this.clock = clock;
        this.values = values;
        this.maxEntries = maxEntries;
        this.projectRetention = projectRetention;
    }

    @Override
    public Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key) {
        return inSpace(project, space -> {
            Slot slot = space.liveSlot(key.value(), now());
            return slot == null ? null : new Slot(slot.entry, slot.stored);
        }).chain(found -> found == null
                ? Uni.createFrom().item(Optional.<CacheEntry>empty())
                : values.decode(ValueContext.cacheEntry(project, key), found.stored).map(text -> text.map(found.entry::withValue)));
    }

    @Override
    public Uni<Void> record(CacheReads reads) {
        return Uni.createFrom().item(() -> {
            reads.projects().forEach((project, projectReads) -> underLock(project, space -> {
                space.hits += projectReads.hits();
                space.misses += projectReads.misses();
                Instant now = now();
                projectReads.entries().forEach((key, entryReads) -> {
                    Slot slot = space.liveSlot(key.value(), now);
                    if (slot != null) {
                        CacheEntry e = slot.entry;
                        Instant last = entryReads.lastAt().isAfter(e.lastAccessAt()) ? entryReads.lastAt() : e.lastAccessAt();
                        slot.entry = new CacheEntry(e.key(), e.value(), e.version(), e.createdAt(), e.expiresAt(), e.tags(),
                                e.hits() + entryReads.hits(), last);
                    }
                });
                return null;
            }));
            return null;
        });
    }

    @Override
    public Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write) {
        return values.encode(ValueContext.cacheEntry(project, key), write.value()).chain(stored -> put(project, key, write, stored));
    }

    private Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write, byte[] stored) {
        return inSpace(project, space -> {
            Instant now = now();
            Slot live = space.liveSlot(key.value(), now);
            OptionalLong current = live == null ? OptionalLong.empty() : OptionalLong.of(live.entry.version());
            if (!write.precondition().admits(current)) {
                return new Written(new PutOutcome.PreconditionFailed(), null);
            }
            long version = Versions.next(space.seq, clock.instant(), write.versionAtLeast());
            space.seq = version;
            Instant expiresAt = now.plus(write.ttl().value());
            Instant createdAt = write.origin().map(CacheWrite.Origin::createdAt)
                    .orElse(live == null ? now : live.entry.createdAt());
            CacheEntry entry = live == null
                    ? new CacheEntry(key, "", version, createdAt, expiresAt, write.tags(), 0, createdAt)
                    : new CacheEntry(key, "", version, createdAt, expiresAt, write.tags(),
                            live.entry.hits(), live.entry.lastAccessAt());
            Slot slot = live != null ? live : new Slot();
            if (live != null) {
                space.unindex(slot);
            } else {
                space.entries.put(key.value(), slot);
                space.count++;
                size.incrementAndGet();
            }
            slot.entry = entry;
            slot.stored = stored;
            slot.expiry = new Expiry(expiresAt.toEpochMilli(), writeOrder.incrementAndGet(), project, key.value());
            space.index(slot);
            return new Written(new PutOutcome.Stored(version, expiresAt, live == null), slot.expiry);
        }).invoke(written -> evictWhileOverBound(project, written.expiry)).map(Written::outcome);
    }

    /** A stored write and the expiry that identifies its entry, which its own eviction must spare. */
    private record Written(PutOutcome outcome, Expiry expiry) {
    }

    @Override
    public Uni<Long> remove(ProjectId project, Collection<CacheKey> keys) {
        return inSpace(project, space -> {
            Instant now = now();
            long live = 0;
            for (CacheKey key : keys) {
                Slot slot = space.entries.get(key.value());
                if (slot != null) {
                    live += slot.entry.isExpiredAt(now) ? 0 : 1;
                    space.drop(slot);
                }
            }
            return live;
        });
    }

    @Override
    public Uni<Long> removeTagged(ProjectId project, CacheTag tag) {
        return inSpace(project, space -> {
            Instant now = now();
            long live = 0;
            for (String name : List.copyOf(space.tagged.getOrDefault(tag, Set.of()))) {
                Slot slot = space.entries.get(name);
                live += slot.entry.isExpiredAt(now) ? 0 : 1;
                space.drop(slot);
            }
            return live;
        });
    }

    @Override
    public Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size) {
        return inSpace(project, space -> {
            Instant now = now();
            String prefix = pattern.literalPrefix();
            NavigableMap<String, Slot> range = after.isPresent() && after.get().value().compareTo(prefix) >= 0
                    ? space.entries.tailMap(after.get().value(), false)
                    : space.entries.tailMap(prefix, true);
            List<CacheKey> keys = new ArrayList<>();
            int examined = 0;
            String last = null;
            for (Map.Entry<String, Slot> e : range.entrySet()) {
                if (examined == size.value() || !e.getKey().startsWith(prefix)) {
                    break;
                }
                examined++;
                last = e.getKey();
                if (!e.getValue().entry.isExpiredAt(now) && pattern.matches(e.getKey())) {
                    keys.add(e.getValue().entry.key());
                }
            }
            // Like the Redis adapter: a page that examined its full budget may have successors.
            Optional<CacheKey> next = examined == size.value() ? Optional.of(CacheKey.of(last)) : Optional.empty();
            return new KeyPage(keys, next);
        });
    }

    /** The projects whose farthest expiry is still ahead, each looked at under its own lock. */
    @Override
    public Uni<List<ProjectId>> projects() {
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            List<ProjectId> live = new ArrayList<>();
            spaces.forEach((project, space) -> {
                synchronized (space) {
                    if (!space.retired && !space.byExpiry.isEmpty() && space.byExpiry.last().at() > now) {
                        live.add(project);
                    }
                }
            });
            live.sort(java.util.Comparator.comparing(ProjectId::value));
            return live;
        });
    }

    /** A page copied under the project's lock, decoded outside it. */
    @Override
    public Uni<EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes) {
        return inSpace(project, space -> {
            Instant now = now();
            NavigableMap<String, Slot> range = after.isPresent() ? space.entries.tailMap(after.get().value(), false) : space.entries;
            List<Slot> page = new ArrayList<>();
            long bytes = 0;
            boolean full = false;
            for (Slot slot : range.values()) {
                if (page.size() == size.value() || bytes >= maxBytes) {
                    full = true;
                    break;
                }
                if (!slot.entry.isExpiredAt(now)) {
                    page.add(new Slot(slot.entry, slot.stored));
                    bytes += slot.stored.length;
                }
            }
            return new Read(page, full);
        }).chain(read -> values.page(project, read.page.stream().map(slot -> Map.entry(slot.entry, slot.stored)).toList(),
                read.full && !read.page.isEmpty() ? Optional.of(read.page.get(read.page.size() - 1).entry.key()) : Optional.empty()));
    }

    private record Read(List<Slot> page, boolean full) {
    }

    /** A page copied under the project's lock, brought to the current form outside it, written back under it if unchanged. */
    @Override
    public Uni<ResealPage> reseal(ProjectId project, Optional<CacheKey> after, PageSize size) {
        return inSpace(project, space -> {
            Instant now = now();
            NavigableMap<String, Slot> range = after.isPresent() ? space.entries.tailMap(after.get().value(), false) : space.entries;
            List<Slot> page = new ArrayList<>();
            for (Slot slot : range.values()) {
                if (page.size() == size.value()) {
                    break;
                }
                if (!slot.entry.isExpiredAt(now)) {
                    page.add(new Slot(slot.entry, slot.stored));
                }
            }
            return page;
        }).chain(page -> Multi.createFrom().iterable(page)
                .onItem().transformToUniAndConcatenate(read -> values.reseal(ValueContext.cacheEntry(project, read.entry.key()),
                        read.stored).map(outcome -> Map.entry(read, outcome)))
                .collect().asList()
                .chain(outcomes -> inSpace(project, space -> {
                    int written = 0;
                    int unreadable = 0;
                    for (Map.Entry<Slot, ValueCodec.Resealed> outcome : outcomes) {
                        if (outcome.getValue() instanceof ValueCodec.Resealed.Rewritten r) {
                            Slot current = space.entries.get(outcome.getKey().entry.key().value());
                            if (current != null && current.entry.version() == outcome.getKey().entry.version()) {
                                current.stored = r.stored();
                                written++;
                            }
                        } else if (outcome.getValue() instanceof ValueCodec.Resealed.Unreadable) {
                            unreadable++;
                        }
                    }
                    Optional<CacheKey> next = page.size() == size.value()
                            ? Optional.of(page.get(page.size() - 1).entry.key()) : Optional.empty();
                    return new ResealPage(page.size(), written, unreadable, next);
                })));
    }

    @Override
    public Uni<Long> removeAll(ProjectId project) {
        return inSpace(project, space -> {
            Instant now = now();
            long live = 0;
            for (Slot slot : List.copyOf(space.entries.values())) {
                live += slot.entry.isExpiredAt(now) ? 0 : 1;
                space.drop(slot);
            }
            return live;
        });
    }

    @Override
    public Uni<CacheStats> stats(ProjectId project) {
        return inSpace(project, space -> {
            Instant now = now();
            long live = space.entries.values().stream().filter(s -> !s.entry.isExpiredAt(now)).count();
            return new CacheStats(live, space.hits, space.misses);
        });
    }

    /** Reclaims every entry whose expiry has passed, and projects unused for the retention time. */
    public void sweepExpired() {
        long now = clock.millis();
        for (Expiry first = firstOrNull(); first != null && first.at <= now; first = firstOrNull()) {
            if (byExpiry.remove(first)) {
                dropIfCurrent(first);
            }
        }
        spaces.forEach((id, space) -> spaces.computeIfPresent(id, (k, s) -> {
            synchronized (s) {
                if (s.entries.isEmpty() && s.lastUsedMillis + projectRetention.toMillis() < now) {
                    s.retired = true;
                    return null;
                }
                return s;
            }
        }));
    }

    /** The value of an entry as this store keeps it (what the value chain made of it); null when there is none. */
    byte[] storedValue(ProjectId project, CacheKey key) {
        return underLock(project, space -> {
            Slot slot = space.entries.get(key.value());
            return slot == null ? null : slot.stored.clone();
        });
    }

    /** Entries held now, expired ones not yet swept included. */
    public int size() {
        return size.get();
    }

    /** Makes room after a write of {@code writer} that stored {@code written} (null: nothing stored). */
    private void evictWhileOverBound(ProjectId writer, Expiry written) {
        while (written != null && size.get() > maxEntries) {
            Expiry first = firstOrNull();
            if (first != null && first.at <= clock.millis()) {
                if (byExpiry.remove(first)) {
                    dropIfCurrent(first);
                }
                continue;
            }
            Space victim = fullest(writer);
            if (victim == null || !victim.evictOneSparing(written)) {
                return;
            }
        }
    }

    /**
     * The project holding the most entries, the writer's own on a tie; a project whose only entry is
     * the one just written does not count. Null when no project has an entry to give.
     */
    private Space fullest(ProjectId writer) {
        Space fullest = null;
        int most = 0;
        boolean fullestIsWriter = false;
        for (Map.Entry<ProjectId, Space> e : spaces.entrySet()) {
            int held = e.getValue().count;
            boolean isWriter = e.getKey().equals(writer);
            if (held == 0 || (isWriter && held == 1)) {
                continue;
            }
            if (held > most || (held == most && isWriter && !fullestIsWriter)) {
                fullest = e.getValue();
                most = held;
                fullestIsWriter = isWriter;
            }
        }
        return fullest;
    }

    private void dropIfCurrent(Expiry expiry) {
        Space space = spaces.get(expiry.project);
        if (space == null) {
            return;
        }
        synchronized (space) {
            Slot slot = space.entries.get(expiry.key);
            if (slot != null && slot.expiry == expiry) {
                space.drop(slot);
            }
        }
    }

    private Expiry firstOrNull() {
        return byExpiry.isEmpty() ? null : byExpiry.first();
    }

    /** Millisecond precision, like every other store: what one adapter returns, the other does. */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** Runs {@code work} under the project's lock, lazily on subscription, like a store round trip. */
    private <T> Uni<T> inSpace(ProjectId project, Function<Space, T> work) {
        return Uni.createFrom().item(() -> underLock(project, work));
    }

    private <T> T underLock(ProjectId project, Function<Space, T> work) {
        while (true) {
            Space space = spaces.computeIfAbsent(project, p -> new Space());
            synchronized (space) {
                if (!space.retired) {
                    space.lastUsedMillis = clock.millis();
                    return work.apply(space);
                }
            }
        }
    }

    private record Expiry(long at, long order, ProjectId project, String key) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** An entry, its value kept apart in its stored form (the entry's own is empty). */
    private static final class Slot {
        CacheEntry entry;
        byte[] stored;
        Expiry expiry;

        Slot() {
        }

        Slot(CacheEntry entry, byte[] stored) {
            this.entry = entry;
            this.stored = stored;
        }
    }

    /** One project's entries, tag index, version sequence and statistics; guarded by its monitor. */
    private final class Space {
        final TreeMap<String, Slot> entries = new TreeMap<>();
        final Map<CacheTag, Set<String>> tagged = new HashMap<>();
        /** This project's entries in eviction order: closest to expiry first. */
        final TreeSet<Expiry> byExpiry = new TreeSet<>();
        /** How many entries it holds; read without the lock to choose whom to evict from. */
        volatile int count;
        long seq;
        long hits;
        long misses;
        long lastUsedMillis;
        boolean retired;

        Slot liveSlot(String key, Instant now) {
            Slot slot = entries.get(key);
            if (slot != null && slot.entry.isExpiredAt(now)) {
                drop(slot);
                return null;
            }
            return slot;
        }

        /** Drops this project's entry closest to expiry other than {@code spared}; false when it has none. */
        synchronized boolean evictOneSparing(Expiry spared) {
            for (Expiry candidate : byExpiry) {
                if (candidate != spared) {
                    drop(entries.get(candidate.key));
                    return true;
                }
            }
            return false;
        }

        void index(Slot slot) {
            InMemoryCacheRepository.this.byExpiry.add(slot.expiry);
            byExpiry.add(slot.expiry);
            for (CacheTag tag : slot.entry.tags()) {
                tagged.computeIfAbsent(tag, t -> new HashSet<>()).add(slot.expiry.key);
            }
        }

        void unindex(Slot slot) {
            InMemoryCacheRepository.this.byExpiry.remove(slot.expiry);
            byExpiry.remove(slot.expiry);
            for (CacheTag tag : slot.entry.tags()) {
                Set<String> names = tagged.get(tag);
                names.remove(slot.expiry.key);
                if (names.isEmpty()) {
                    tagged.remove(tag);
                }
            }
        }

        void drop(Slot slot) {
            unindex(slot);
            entries.remove(slot.expiry.key);
            count--;
            size.decrementAndGet();
        }
    }
}
