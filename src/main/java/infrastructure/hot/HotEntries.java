package infrastructure.hot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import domain.cache.CacheEntry;
import domain.project.ProjectId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Copies of cache entries held in process, so that a hot read needs no store. Whoever learns of a
 * change of an entry (the embedded store's writer after its commit; the near cache when Redis tells
 * it) updates or drops its copy here before anyone could read the change from the store.
 *
 * <p>The fill race: a reader that read an entry before a change must not put that older copy here
 * after the change dropped it. A reader takes a {@link #stamp} before its read and fills only if no
 * change of the entry's stripe was published since; the check and the fill are one atomic step on
 * the entry's slot, as is each change's update of that slot. {@link #clear()} and
 * {@link #removedAll(ProjectId)} move every stripe, so that no read begun before them fills.
 *
 * <p>Bounded by bytes (an entry weighs its key, its value and a fixed overhead) and by entries (an
 * entry weighs at least {@code maxBytes / maxEntries}); the least recently and frequently used go
 * first. An entry leaves when it expires or after the longest lifetime, whichever comes first, and is
 * never returned past its expiry by the clock the service reads.
 */
public final class HotEntries {

    private static final int STRIPES = 4096;
    /** What an entry costs beyond its key and value: the record, its tags, the map's node. */
    static final int OVERHEAD_BYTES = 200;

    private final Cache<Id, CacheEntry> entries;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final Clock clock;

    /** An entry's name: its project and key. */
    public record Id(ProjectId project, String key) {
    }

    /** @param maxBytes the most bytes of entries held, at least one entry's worth; no bound on their number or lifetime */
    public HotEntries(long maxBytes, Clock clock) {
        this(maxBytes, Long.MAX_VALUE, null, clock);
    }

    /**
     * @param maxBytes    the most bytes of entries held
     * @param maxEntries  the most entries held
     * @param maxLifetime the longest an entry is held after it was filled or written; null for up to its expiry
     */
    public HotEntries(long maxBytes, long maxEntries, Duration maxLifetime, Clock clock) {
        if (maxBytes < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("Cannot hold entries in fewer than one byte or one entry");
        }
        this.clock = clock;
        long floor = maxEntries == Long.MAX_VALUE ? 0 : Math.max(1, maxBytes / maxEntries);
        long lifetimeNanos = maxLifetime == null ? Long.MAX_VALUE : maxLifetime.toNanos();
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Id id, CacheEntry e) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, bytes(id, e))))
                .expireAfter(Expiry.writing((Id id, CacheEntry e) -> Duration.ofNanos(Math.min(lifetimeNanos,
                        Duration.ofMillis(Math.max(0, e.expiresAt().toEpochMilli() - clock.millis())).toNanos()))))
                .build();
    }

    /** What one entry is counted as against the byte bound. */
    public static long bytes(Id id, CacheEntry entry) {
        return OVERHEAD_BYTES + 2L * (id.key().length() + entry.value().length());
    }

    /** The live copy held of the entry; null when none is held or the one held has expired. */
    public CacheEntry get(Id id) {
        CacheEntry held = entries.getIfPresent(id);
        return held == null || held.isExpiredAt(Instant.ofEpochMilli(clock.millis())) ? null : held;
    }

    /** Taken before reading an entry from the store; {@link #fill} compares it. */
    public long stamp(Id id) {
        return stripes.get(stripe(id));
    }

    /** Holds what a read found, unless the entry changed since {@code stamp} was taken; true when it was held. */
    public boolean fill(Id id, CacheEntry read, long stamp) {
        boolean[] filled = new boolean[1];
        entries.asMap().compute(id, (k, held) -> {
            filled[0] = stamp(id) == stamp;
            return filled[0] ? read : held;
        });
        return filled[0];
    }

    /** The entry was written: holds its new state. */
    public void written(Id id, CacheEntry entry) {
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            return entry;
        });
    }

    /** The entry was removed or changed in a way the caller does not know: drops its copy. */
    public void removed(Id id) {
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            return null;
        });
    }

    /** Some of a project's entries changed, which ones unknown: drops every copy of the project's entries. */
    public void removedAll(ProjectId project) {
        moveEveryStripe();
        entries.asMap().keySet().removeIf(id -> id.project().equals(project));
    }

    /** Anything may have changed: drops every copy, and no read begun before fills. */
    public void clear() {
        moveEveryStripe();
        entries.invalidateAll();
    }

    /**
     * After recorded reads: the copy held, if any, takes the hits and last access the store now holds.
     * Absolute values, not the batch's delta: a reader may have filled the copy from the store after
     * the recording.
     */
    public void counted(Id id, long hits, Instant lastAccessAt) {
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            if (held == null) {
                return null;
            }
            return new CacheEntry(held.key(), held.value(), held.version(), held.createdAt(), held.expiresAt(), held.tags(),
                    hits, lastAccessAt);
        });
    }

    /** Entries held now (for tests and metrics); expired ones not yet dropped included. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private void moveEveryStripe() {
        for (int i = 0; i < STRIPES; i++) {
            stripes.incrementAndGet(i);
        }
    }

    private static int stripe(Id id) {
        return Math.floorMod(id.hashCode(), STRIPES);
    }
}
