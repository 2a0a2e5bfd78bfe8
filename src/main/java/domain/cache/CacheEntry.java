package domain.cache;

import java.time.Instant;
import java.util.Set;

/**
 * A JSON value stored under a key of a project, with its version and access statistics.
 *
 * @param value        the JSON text, exactly as it will be served back
 * @param version      changes on every write; unique within the project, never reused, so an old
 *                     ETag can never match a newer entry of the same key (no ABA)
 * @param createdAt    when the key was first written; a replacement keeps it
 * @param expiresAt    when the entry stops being served
 * @param hits         how many reads found it, including the read that returned this copy
 * @param lastAccessAt the last read, or {@code createdAt} when it was never read
 */
public record CacheEntry(
        CacheKey key,
        String value,
        long version,
        Instant createdAt,
        Instant expiresAt,
        Set<CacheTag> tags,
        long hits,
        Instant lastAccessAt) {

    public CacheEntry {
        tags = Set.copyOf(tags);
    }

    /** The same entry holding {@code value}: a store that keeps values in another form gives them back as text. */
    public CacheEntry withValue(String value) {
        return new CacheEntry(key, value, version, createdAt, expiresAt, tags, hits, lastAccessAt);
    }

    public boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    public boolean carries(CacheTag tag) {
        return tags.contains(tag);
    }
}
