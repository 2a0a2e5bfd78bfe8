package domain.cache;

import domain.InvalidValueException;
import java.util.Optional;
import java.util.Set;

/**
 * A request to remove entries of one project: named keys, every entry carrying one of the tags,
 * and every key matching a pattern. An entry selected by several criteria is removed (and counted)
 * once.
 *
 * <p>Rule: at least one criterion; at most 1000 keys and 100 tags in one request.
 */
public record Invalidation(Set<CacheKey> keys, Set<CacheTag> tags, Optional<KeyPattern> pattern) {

    public static final int MAX_KEYS = 1000;
    public static final int MAX_TAGS = 100;

    public Invalidation {
        keys = Set.copyOf(keys);
        tags = Set.copyOf(tags);
        if (keys.isEmpty() && tags.isEmpty() && pattern.isEmpty()) {
            throw new InvalidValueException("an invalidation needs at least one of keys, tags or pattern");
        }
        if (keys.size() > MAX_KEYS) {
            throw new InvalidValueException("keys", "an invalidation may name at most 1000 keys");
        }
        if (tags.size() > MAX_TAGS) {
            throw new InvalidValueException("tags", "an invalidation may name at most 100 tags");
        }
    }
}
