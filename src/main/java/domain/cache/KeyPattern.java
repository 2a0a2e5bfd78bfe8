package domain.cache;

import domain.Characters;
import domain.InvalidValueException;

/**
 * A glob over cache keys: {@code *} matches any run of characters (also none), {@code ?} exactly
 * one; every other character matches itself.
 *
 * <p>Rule: 1 to 250 characters of the key alphabet plus {@code *} and {@code ?}, and not {@code .}
 * or {@code ..}, which no key can be. Matching is done here, in one place, so that every store
 * agrees on what a pattern selects.
 */
public record KeyPattern(String value) {

    /** The pattern that selects every key. */
    public static final KeyPattern ALL = new KeyPattern("*");

    public KeyPattern {
        if (value == null || value.isEmpty() || value.length() > CacheKey.MAX_LENGTH || !isWellFormed(value)) {
            throw new InvalidValueException(
                    "pattern must be 1 to 250 characters of A-Z, a-z, 0-9, '.', '_', ':', '~', '-', '*' or '?'");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new InvalidValueException("pattern must not be '.' or '..', which no key can be");
        }
    }

    public static KeyPattern of(String value) {
        return new KeyPattern(value);
    }

    /**
     * The characters every matching key starts with: everything before the first wildcard. Stores
     * use it to read only the keys in that lexical range instead of the whole project.
     */
    public String literalPrefix() {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '*' || c == '?') {
                return value.substring(0, i);
            }
        }
        return value;
    }

    /** True when the pattern is a plain key with no wildcard. */
    public boolean isLiteral() {
        return literalPrefix().length() == value.length();
    }

    /** True when {@code key} matches this glob in full. */
    public boolean matches(String key) {
        return matches(key, 0, 0);
    }

    public boolean matches(CacheKey key) {
        return matches(key.value());
    }

    // Iterative glob matching with one backtracking point: linear in practice, never exponential.
    private boolean matches(String key, int k, int p) {
        int starP = -1;
        int starK = -1;
        while (k < key.length()) {
            if (p < value.length() && (value.charAt(p) == '?' || value.charAt(p) == key.charAt(k))) {
                k++;
                p++;
            } else if (p < value.length() && value.charAt(p) == '*') {
                starP = p++;
                starK = k;
            } else if (starP >= 0) {
                p = starP + 1;
                k = ++starK;
            } else {
                return false;
            }
        }
        while (p < value.length() && value.charAt(p) == '*') {
            p++;
        }
        return p == value.length();
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Characters.isKeyCharacter(c) && c != '*' && c != '?') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
