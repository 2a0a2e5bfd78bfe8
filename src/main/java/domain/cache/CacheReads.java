package domain.cache;

import domain.project.ProjectId;
import java.time.Instant;
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

    public boolean isEmpty() {
        return projects.isEmpty();
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
