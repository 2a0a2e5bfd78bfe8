package domain.access;

import domain.Alphabet;
import domain.InvalidValueException;

/**
 * The public name of an API key, by which it is listed and revoked; never the secret.
 *
 * <p>Rule: 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}.
 */
public record ApiKeyName(String value) {

    /** The rule [A-Za-z0-9._-]{1,64}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._-");

    public ApiKeyName {
        if (!FORMAT.spans(value, 1, 64)) {
            throw new InvalidValueException("key name must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        }
    }

    public static ApiKeyName of(String value) {
        return new ApiKeyName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
