package domain.session;

import domain.InvalidValueException;
import domain.Secrets;
import java.util.regex.Pattern;

/**
 * The public, non-secret name of a session: its user's tag (16 hex characters) followed by 128
 * random bits (22 URL-safe characters). Knowing it grants nothing; the token's verifier does.
 *
 * <p>Rule: 16 lowercase hex characters, then 22 characters of {@code A-Z a-z 0-9 _ -}.
 */
public record SessionId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{16}[A-Za-z0-9_-]{22}");

    public SessionId {
        if (value == null || !FORMAT.matcher(value).matches()) {
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
