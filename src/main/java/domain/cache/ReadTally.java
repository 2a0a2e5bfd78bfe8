package domain.cache;

import domain.project.ProjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cache reads counted in process until the store records them in one batch, so that a cache read is
 * a pure read of the store: hits on each entry with its latest access, and each project's hits and
 * misses.
 *
 * <p>Reads {@link #drain() drained} into a batch stay counted here until the store has taken it
 * or refused it, in whole or in part ({@link #settled}, which holds the refused reads again), so what this
 * instance answers does not lose a batch on its way. Statistics may still be off by one batch for a
 * moment: counted both there and here between its commit and {@link #settled}, or in neither for an
 * answer built from a read of the store made before that commit and counted after it.
 *
 * <p>Thread-safe: every call holds one lock for a few map operations.
 */
public final class ReadTally {

    private final int maxHeldEntries;
    private Map<ProjectId, Held> held = new HashMap<>();
    private final List<InFlight> inFlight = new ArrayList<>();
    private int heldReads;
    private int heldEntries;

    /**
     * @param maxHeldEntries the most entries whose hits are held; past it, the reads of a batch the
     *                       store refused are dropped rather than held again (a dead store must not
     *                       grow the process without bound)
     */
    public ReadTally(int maxHeldEntries) {
        if (maxHeldEntries < 1) {
            throw new IllegalArgumentException("A read tally must hold at least one entry");
        }
        this.maxHeldEntries = maxHeldEntries;
    }

    /**
     * Counts a hit on the entry; answers the hits on it that the store has not recorded yet, this
     * one included.
     */
    public synchronized long hit(ProjectId project, CacheKey key, Instant at) {
        Held counts = held.computeIfAbsent(project, p -> new Held());
        Hits hits = counts.entries.get(key);
        if (hits == null) {
            hits = new Hits();
            counts.entries.put(key, hits);
            heldEntries++;
        }
        hits.count++;
        if (hits.lastAt == null || at.isAfter(hits.lastAt)) {
            hits.lastAt = at;
        }
        heldReads++;
        return hits.count + inFlightHits(project, key);
    }

    /** Counts a miss of the project. */
    public synchronized void miss(ProjectId project) {
        held.computeIfAbsent(project, p -> new Held()).misses++;
        heldReads++;
    }

    /** Reads counted since the last {@link #drain()}, not yet on their way to the store. */
    public synchronized int heldReads() {
        return heldReads;
    }

    /** Hits on the entry that the store has not recorded yet. */
    public synchronized long unrecordedHits(ProjectId project, CacheKey key) {
        Held counts = held.get(project);
        Hits hits = counts == null ? null : counts.entries.get(key);
        return (hits == null ? 0 : hits.count) + inFlightHits(project, key);
    }

    /** The store's statistics of the project plus the reads it has not recorded yet. */
    public synchronized CacheStats withUnrecorded(ProjectId project, CacheStats stored) {
        long hits = 0;
        long misses = 0;
        List<Map<ProjectId, Held>> all = new ArrayList<>();
        inFlight.forEach(f -> all.add(f.counts));
        all.add(held);
        for (Map<ProjectId, Held> batch : all) {
            Held counts = batch.get(project);
            if (counts != null) {
                misses += counts.misses;
                hits += counts.entries.values().stream().mapToLong(h -> h.count).sum();
            }
        }
        return new CacheStats(stored.entries(), stored.hits() + hits, stored.misses() + misses);
    }

    /**
     * Takes every held read into a batch for the store; empty when none is held. The caller must
     * answer with {@link #settled}.
     */
    public synchronized Optional<CacheReads> drain() {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        Map<ProjectId, Held> taken = held;
        held = new HashMap<>();
        heldReads = 0;
        heldEntries = 0;
        CacheReads batch = toReads(taken);
        inFlight.add(new InFlight(batch, taken));
        return Optional.of(batch);
    }

    /**
     * The store took the batch but for the {@code refused} parts of it (all of it, none, or the parts
     * from the first that failed on): those are held again, each unless that would hold more entries
     * than the bound. Answers how many reads were dropped.
     */
    public synchronized long settled(CacheReads batch, List<CacheReads> refused) {
        removeInFlight(batch);
        long dropped = 0;
        for (CacheReads part : refused) {
            if (heldEntries + part.projects().values().stream().mapToInt(p -> p.entries().size()).sum() > maxHeldEntries) {
                dropped += part.reads();
                continue;
            }
            holdAgain(part);
        }
        return dropped;
    }

    private void holdAgain(CacheReads part) {
        part.projects().forEach((project, reads) -> {
            Held counts = held.computeIfAbsent(project, p -> new Held());
            counts.misses += reads.misses();
            reads.entries().forEach((key, entry) -> {
                Hits hits = counts.entries.get(key);
                if (hits == null) {
                    hits = new Hits();
                    counts.entries.put(key, hits);
                    heldEntries++;
                }
                hits.count += entry.hits();
                if (hits.lastAt == null || entry.lastAt().isAfter(hits.lastAt)) {
                    hits.lastAt = entry.lastAt();
                }
            });
        });
        heldReads += (int) part.reads();
    }

    private long inFlightHits(ProjectId project, CacheKey key) {
        long sum = 0;
        for (InFlight batch : inFlight) {
            Held counts = batch.counts.get(project);
            Hits hits = counts == null ? null : counts.entries.get(key);
            sum += hits == null ? 0 : hits.count;
        }
        return sum;
    }

    /** Batches are told apart by identity: two batches may hold equal reads. */
    private void removeInFlight(CacheReads batch) {
        for (int i = 0; i < inFlight.size(); i++) {
            if (inFlight.get(i).reads == batch) {
                inFlight.remove(i);
                return;
            }
        }
    }

    private static CacheReads toReads(Map<ProjectId, Held> taken) {
        Map<ProjectId, CacheReads.ProjectReads> projects = new HashMap<>();
        taken.forEach((project, counts) -> {
            Map<CacheKey, CacheReads.EntryReads> entries = new HashMap<>();
            counts.entries.forEach((key, hits) -> entries.put(key, new CacheReads.EntryReads(hits.count, hits.lastAt)));
            projects.put(project, new CacheReads.ProjectReads(counts.misses, entries));
        });
        return new CacheReads(projects);
    }

    /** A drained batch, and the counts it was made of, which keep answering until it is settled. */
    private record InFlight(CacheReads reads, Map<ProjectId, Held> counts) {
    }

    private static final class Held {
        long misses;
        final Map<CacheKey, Hits> entries = new HashMap<>();
    }

    private static final class Hits {
        long count;
        Instant lastAt;
    }
}
