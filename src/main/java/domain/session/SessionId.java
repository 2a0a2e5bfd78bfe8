package domain.session;

import domain.Alphabet;
import domain.InvalidValueException;
import domain.Secrets;

/**
 * The public, non-secret name of a session: its user's tag (16 hex characters) followed by 128
 * random bits (22 URL-safe characters). Knowing it grants nothing; the token's verifier does.
 *
 * <p>Rule: 16 lowercase hex characters, then 22 characters of {@code A-Z a-z 0-9 _ -}.
 */
public record SessionId(String value) {

    /** The rule [0-9a-f]{16}[A-Za-z0-9_-]{22}. */
    private static final Alphabet TAG = Alphabet.of("0-9a-f");
    private static final int TAG_LENGTH = 16;
    private static final int LENGTH = TAG_LENGTH + 22;

    public SessionId {
        if (value == null || value.length() != LENGTH || !TAG.containsAll(value, 0, TAG_LENGTH)
                || !Alphabet.URL_SAFE.containsAll(value, TAG_LENGTH, LENGTH)) {
            throw new InvalidValueException("session id must be 38 characters as issued by this service");
        }
    }

    public static SessionId of(String value) {
        return new SessionId(value);
    }

    /** A fresh id for a session of {@code user}. */
    public static SessionId newFor(UserId user) {
        return new SessionId(user.tag() + Secrets.randomUrlSafe(16));
    }

    /** The tag of the user the session belongs to; see {@link UserId#tag()}. */
    public String userTag() {
        return value.substring(0, 16);
    }

    @Override
    public String toString() {
        return value;
    }
}
