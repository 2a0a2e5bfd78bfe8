package domain.session;

import domain.Alphabet;
import domain.InvalidValueException;
import domain.Secrets;

/**
 * The application's identifier of a user, as its backend knows it (a number, a UUID, an e-mail).
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : @ + ~ -}.
 */
public record UserId(String value) {

    /** The rule [A-Za-z0-9._:@+~-]{1,128}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._:@+~-");

    public UserId {
        if (!FORMAT.spans(value, 1, 128)) {
            throw new InvalidValueException(
                    "userId must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '@', '+', '~' or '-'");
        }
    }

    public static UserId of(String value) {
        return new UserId(value);
    }

    /**
     * 16 hex characters derived from the id: every session of this user carries it, so that a store
     * can keep a user's sessions and their index together (one Redis Cluster hash slot).
     */
    public String tag() {
        return Secrets.sha256Hex(value).substring(0, 16);
    }

    @Override
    public String toString() {
        return value;
    }
}
