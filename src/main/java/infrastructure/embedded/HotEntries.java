package infrastructure.embedded;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import domain.cache.CacheEntry;
import domain.project.ProjectId;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Cache entries read or written lately, held in process so that a hot read needs neither a reader
 * thread nor SQLite. This process is the database's only writer (the data directory's lock keeps
 * every other out), so it knows of every change: each write of an entry updates or drops its copy
 * here, on the writer thread, right after its commit and before its caller hears.
 *
 * <p>The fill race: a reader that read an entry before a write committed must not put that older copy
 * here after the write dropped it. A reader takes a {@link #stamp} before its read and fills only if
 * no change of the entry's stripe was published since; the check and
 * the fill are one atomic step on the entry's slot, as is each change's update of that slot.
 *
 * <p>Bounded by the bytes of the entries held (least recently and frequently used go first), and an
 * entry leaves when it expires.
 */
final class HotEntries {

    private static final int STRIPES = 4096;
    /** What an entry costs beyond its key and value: the record, its tags, the map's node. */
    private static final int OVERHEAD_BYTES = 200;

    private final Cache<Id, CacheEntry> entries;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

    /** An entry's name: its project and key. */
    record Id(ProjectId project, String key) {
    }

    /** @param maxBytes the most bytes of entries held, at least one entry's worth */
    HotEntries(long maxBytes, Clock clock) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Id id, CacheEntry e) -> (int) Math.min(Integer.MAX_VALUE,
                        OVERHEAD_BYTES + 2L * (id.key().length() + e.value().length())))
                .expireAfter(Expiry.writing((Id id, CacheEntry e) ->
                        java.time.Duration.ofMillis(Math.max(0, e.expiresAt().toEpochMilli() - clock.millis()))))
                .build();
    }

    /** The copy held of the entry, possibly expired; null when none is held. */
    CacheEntry get(Id id) {
        return entries.getIfPresent(id);
    }

    /** Taken before reading an entry from the database; {@link #fill} compares it. */
    long stamp(Id id) {
        return stripes.get(stripe(id));
    }

    /** Holds what a read found, unless the entry changed since {@code stamp} was taken. */
    void fill(Id id, CacheEntry read, long stamp) {
        entries.asMap().compute(id, (k, held) -> stamp(id) == stamp ? read : held);
    }

    /** After the commit of a write of the entry: holds its new state. */
    void written(Id id, CacheEntry entry) {
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            return entry;
        });
    }

    /** After the commit of a removal of the entry. */
    void removed(Id id) {
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            return null;
        });
    }

    /**
     * After the commit of recorded reads: the copy held, if any, takes the hits and last access the
     * row now holds. Absolute values, not the batch's delta: a reader may have filled the copy from
     * the committed row before this ran.
     */
    void counted(Id id, long hits, Instant lastAccessAt) {
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
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private static int stripe(Id id) {
        return Math.floorMod(id.hashCode(), STRIPES);
    }
}
