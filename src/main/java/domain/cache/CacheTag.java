package domain.cache;

import domain.Characters;
import domain.InvalidValueException;

/**
 * A label on cache entries, so that every entry carrying it can be invalidated at once.
 *
 * <p>Rule: 1 to 128 characters of the key alphabet {@code A-Z a-z 0-9 . _ : ~ -}.
 */
public record CacheTag(String value) implements Comparable<CacheTag> {

    public static final int MAX_LENGTH = 128;

    public CacheTag {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !Characters.isKeyAlphabet(value)) {
            throw new InvalidValueException(
                    "tag must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
        }
    }

    public static CacheTag of(String value) {
        return new CacheTag(value);
    }

    @Override
    public int compareTo(CacheTag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
