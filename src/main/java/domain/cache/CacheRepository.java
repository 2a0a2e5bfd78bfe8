package domain.cache;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The port to the store of cache entries. Every operation is scoped to one project and can neither
 * read nor change another project's entries.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface CacheRepository {

    /**
     * Reads a live entry, with its hits and last access as recorded so far. Records nothing: reads
     * are counted in process ({@link ReadTally}) and added in batches by {@link #record}.
     */
    Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key);

    /**
     * The live entry when the adapter can answer at once, without a call to its store (it holds a
     * copy it may serve, as a near cache does); empty when it cannot, and then {@link #find} answers,
     * hit or miss. Never blocks, never fails. None by default.
     */
    default Optional<CacheEntry> findAtOnce(ProjectId project, CacheKey key) {
        return Optional.empty();
    }

    /**
     * Adds reads counted in process, in one call per project at most: to each project its hits and
     * misses; to each entry still stored under its key, its hits, and its last access unless the
     * stored one is later. Hits on an entry gone since count for its project only. A use of the
     * project like any other for its retention. Not idempotent: never retried.
     */
    Uni<Void> record(CacheReads reads);

    /** Writes the entry if its precondition holds against the current version, atomically. */
    Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write);

    /** Removes the named entries; answers how many of them were live. */
    Uni<Long> remove(ProjectId project, Collection<CacheKey> keys);

    /**
     * Removes every live entry that carries the tag; answers how many. Costs O(entries tagged with
     * it), never a walk over the project.
     */
    Uni<Long> removeTagged(ProjectId project, CacheTag tag);

    /**
     * One page of the live keys matching the pattern, in lexical order, starting after
     * {@code after}. Keys written or removed during a walk may or may not appear; a key live for the
     * whole walk appears exactly once.
     */
    Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size);

    /**
     * Brings up to {@code size} of the project's live entries, the first after {@code after} in key
     * order, to the form values are stored in now (for an encrypted project: under its current key).
     * An entry is written anew only if no write changed it since it was read here; its version,
     * expiry, tags and statistics stay as they are. Idempotent: what is current already is left alone.
     */
    Uni<ResealPage> reseal(ProjectId project, Optional<CacheKey> after, PageSize size);

    /**
     * A page of the project's live entries after {@code after} in key order, each read whole (value,
     * version, creation, expiry, tags), for an export: at most {@code size} entries, and none more once
     * their stored values reach {@code maxBytes} (one at least, whatever its size). Reads the store
     * itself, never a copy held in process, in one call of the store per page; records nothing.
     */
    Uni<EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes);

    /** Removes every entry of the project and its indexes; answers how many entries were live. */
    Uni<Long> removeAll(ProjectId project);

    /** Live entries, hits and misses of the project. */
    Uni<CacheStats> stats(ProjectId project);

    /**
     * Every project holding at least one live entry, in id order: for an operator's listing, never
     * for a request path. It reads the whole store (on Redis a SCAN of the key space, then one count
     * per project found), so its cost grows with the store, not with the answer.
     */
    Uni<List<ProjectId>> projects();
}
