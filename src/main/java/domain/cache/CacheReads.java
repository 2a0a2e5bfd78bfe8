package domain.cache;

import domain.project.ProjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cache reads counted in process and not yet in the store: per project, its misses and, per entry
 * read, how many hits and when the latest. {@link CacheRepository#record(CacheReads)} adds them.
 */
public record CacheReads(Map<ProjectId, ProjectReads> projects) {

    public CacheReads {
        projects = Map.copyOf(projects);
    }

    /** How many reads, hits and misses, this batch holds. */
    public long reads() {
        return projects.values().stream().mapToLong(p -> p.hits() + p.misses()).sum();
    }

    /**
     * The same reads in parts of at most {@code maxEntries} entries each, for stores that record them
     * in bounded steps; a project may span parts (its misses go with its first). Nothing is lost or
     * counted twice: the parts add up to this batch.
     */
    public List<CacheReads> inPartsOf(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("A part holds at least one entry, not " + maxEntries);
        }
        List<CacheReads> parts = new ArrayList<>();
        Map<ProjectId, ProjectReads> part = new HashMap<>();
        int inPart = 0;
        for (Map.Entry<ProjectId, ProjectReads> project : projects.entrySet()) {
            long misses = project.getValue().misses();
            Map<CacheKey, EntryReads> entries = new HashMap<>();
            for (Map.Entry<CacheKey, EntryReads> entry : project.getValue().entries().entrySet()) {
                if (inPart == maxEntries) {
                    if (!entries.isEmpty()) {
                        part.put(project.getKey(), new ProjectReads(misses, entries));
                        misses = 0;
                        entries = new HashMap<>();
                    }
                    parts.add(new CacheReads(part));
                    part = new HashMap<>();
                    inPart = 0;
                }
                entries.put(entry.getKey(), entry.getValue());
                inPart++;
            }
            if (!entries.isEmpty() || misses > 0) {
                part.put(project.getKey(), new ProjectReads(misses, entries));
            }
        }
        if (!part.isEmpty()) {
            parts.add(new CacheReads(part));
        }
        return parts;
    }

    /** One project's reads: its misses, and its hits entry by entry. */
    public record ProjectReads(long misses, Map<CacheKey, EntryReads> entries) {

        public ProjectReads {
            if (misses < 0) {
                throw new IllegalArgumentException("Cannot record a negative number of misses");
            }
            entries = Map.copyOf(entries);
        }

        /** Hits on every entry of the project. */
        public long hits() {
            return entries.values().stream().mapToLong(EntryReads::hits).sum();
        }
    }

    /** Hits on one entry, and the latest of them. */
    public record EntryReads(long hits, Instant lastAt) {

        public EntryReads {
            if (hits < 1) {
                throw new IllegalArgumentException("An entry's recorded reads hold at least one hit");
            }
        }
    }
}
