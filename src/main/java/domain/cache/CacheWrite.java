package domain.cache;

import domain.InvalidValueException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller asks to store: a JSON text, how long it lives, its tags, and the condition under
 * which the write may happen; for an entry brought in from elsewhere (an import), where it comes
 * from.
 */
public record CacheWrite(String value, Ttl ttl, Set<CacheTag> tags, Precondition precondition, Optional<Origin> origin) {

    public CacheWrite {
        tags = Set.copyOf(tags);
    }

    public CacheWrite(String value, Ttl ttl, Set<CacheTag> tags, Precondition precondition) {
        this(value, ttl, tags, precondition, Optional.empty());
    }

    /**
     * An entry as another store held it: the write takes a version at least {@code version}, so that
     * no ETag a client holds from there ever reads as newer than the entry it now names, and keeps
     * {@code createdAt}.
     */
    public record Origin(long version, Instant createdAt) {

        public Origin {
            if (version < 1 || version > Versions.MAX) {
                throw new InvalidValueException("version", "version must be an integer from 1 to " + Versions.MAX);
            }
            createdAt = createdAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        }
    }

    /** The same write, of an entry that comes from {@code origin}. */
    public CacheWrite from(Origin origin) {
        return new CacheWrite(value, ttl, tags, precondition, Optional.of(origin));
    }

    /** The smallest version this write may take: its origin's, or none (0). */
    public long versionAtLeast() {
        return origin.map(Origin::version).orElse(0L);
    }
}
