package domain.cache;

import domain.Characters;
import domain.InvalidValueException;

/**
 * The name of a cache entry within its project.
 *
 * <p>Rule: 1 to 250 characters of {@code A-Z a-z 0-9 . _ : ~ -}, and not {@code .} or {@code ..}.
 * The alphabet leaves out glob metacharacters, so that a key never reads as a pattern, and anything
 * that needs escaping in a store key or a URL; the two dot names would be rewritten as path
 * segments by every HTTP client.
 */
public record CacheKey(String value) implements Comparable<CacheKey> {

    public static final int MAX_LENGTH = 250;

    public CacheKey {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !Characters.isKeyAlphabet(value)) {
            throw new InvalidValueException(
                    "key must be 1 to 250 characters of A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new InvalidValueException("key must not be '.' or '..', which URLs treat as path segments");
        }
    }

    public static CacheKey of(String value) {
        return new CacheKey(value);
    }

    @Override
    public int compareTo(CacheKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
