package infrastructure.hot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
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

    private final Cache<Id, Copy> entries;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final Clock clock;
    private final long lifetimeNanos;

    /** An entry's name: its project and key. */
    public record Id(ProjectId project, String key) {
    }

    /**
     * A copy and when it must leave (System.nanoTime): the sooner of its entry's expiry and the longest
     * lifetime, fixed when the copy was read or written. New counts keep the deadline: they are no
     * new read of the entry.
     */
    private record Copy(CacheEntry entry, long deadlineNanos) {
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
        this.lifetimeNanos = maxLifetime == null ? Long.MAX_VALUE : maxLifetime.toNanos();
        long floor = maxEntries == Long.MAX_VALUE ? 0 : Math.max(1, maxBytes / maxEntries);
        this.entries = Caffeine.newBuilder()
                .ticker(Ticker.systemTicker())
                .maximumWeight(maxBytes)
                .weigher((Id id, Copy c) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, bytes(id, c.entry()))))
                .expireAfter(new Expiry<Id, Copy>() {
                    @Override
                    public long expireAfterCreate(Id id, Copy copy, long now) {
                        return Math.max(0, copy.deadlineNanos() - now);
                    }

                    @Override
                    public long expireAfterUpdate(Id id, Copy copy, long now, long current) {
                        return Math.max(0, copy.deadlineNanos() - now);
                    }

                    @Override
                    public long expireAfterRead(Id id, Copy copy, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** A new copy of {@code entry}, read or written now. */
    private Copy copy(CacheEntry entry) {
        long now = System.nanoTime();
        long untilExpiry = Math.max(0, entry.expiresAt().toEpochMilli() - clock.millis());
        long life = Math.min(lifetimeNanos, untilExpiry >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : untilExpiry * 1_000_000);
        return new Copy(entry, life >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + life);
    }

    /** What one entry is counted as against the byte bound. */
    public static long bytes(Id id, CacheEntry entry) {
        return OVERHEAD_BYTES + 2L * (id.key().length() + entry.value().length());
    }

    /** The live copy held of the entry; null when none is held or the one held has expired. */
    public CacheEntry get(Id id) {
        Copy held = entries.getIfPresent(id);
        return held == null || held.entry().isExpiredAt(Instant.ofEpochMilli(clock.millis())) ? null : held.entry();
    }

    /** Taken before reading an entry from the store; {@link #fill} compares it. */
    public long stamp(Id id) {
        return stripes.get(stripe(id));
    }

    /**
     * Holds what a read found, unless the entry changed since {@code stamp} was taken; true when it
     * was held. A {@link #clear()} or {@link #removedAll} that ran while the fill was being made may
     * have missed it (a map walk skips a slot being filled): the stamp is checked once more after,
     * and the copy taken back if it moved.
     */
    public boolean fill(Id id, CacheEntry read, long stamp) {
        Copy made = copy(read);
        boolean[] filled = new boolean[1];
        entries.asMap().compute(id, (k, held) -> {
            filled[0] = stamp(id) == stamp;
            return filled[0] ? made : held;
        });
        if (filled[0] && stamp(id) != stamp) {
            entries.asMap().remove(id, made);
            return false;
        }
        return filled[0];
    }

    /** The entry was written: holds its new state. */
    public void written(Id id, CacheEntry entry) {
        Copy made = copy(entry);
        entries.asMap().compute(id, (k, held) -> {
            stripes.incrementAndGet(stripe(id));
            return made;
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
            CacheEntry e = held.entry();
            return new Copy(new CacheEntry(e.key(), e.value(), e.version(), e.createdAt(), e.expiresAt(), e.tags(), hits,
                    lastAccessAt), held.deadlineNanos());
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
