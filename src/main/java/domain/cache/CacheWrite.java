package domain.cache;

import java.util.Set;

/**
 * What a caller asks to store: a JSON text, how long it lives, its tags, and the condition under
 * which the write may happen.
 */
public record CacheWrite(String value, Ttl ttl, Set<CacheTag> tags, Precondition precondition) {

    public CacheWrite {
        tags = Set.copyOf(tags);
    }
}
