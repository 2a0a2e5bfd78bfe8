package domain.access;

import domain.InvalidValueException;

/**
 * What a principal's rights stand on. Revoking it takes the rights away at once, also from what
 * the principal opened earlier and still holds open (an event stream).
 */
public sealed interface Credential {

    /** False for what no one can revoke: the operator's key and principals made in code. */
    default boolean revocable() {
        return true;
    }

    /** Stands for as long as the process runs: a principal made in code, or a ticket of the operator's. */
    Credential PERMANENT = new Permanent();

    /** The operator's bootstrap key: configured rather than stored, so never revoked, and never throttled. */
    Credential OPERATOR = new Operator();

    /** An API key, by name; a stream ticket stands on the key that asked for it. */
    record Key(ApiKeyName name) implements Credential {
    }

    /**
     * A user session, by id. The id is kept as text (a {@code domain.session.SessionId} value), so
     * that access does not depend on the session package, which depends on it.
     */
    record Session(String sessionId) implements Credential {

        public Session {
            if (sessionId == null || !sessionId.matches("[0-9a-f]{16}[A-Za-z0-9_-]{22}")) {
                throw new InvalidValueException("a session credential names a session id as issued by this service");
            }
        }

        /** The tag of the session's user, the first 16 characters of every session id of that user. */
        public String userTag() {
            return sessionId.substring(0, 16);
        }
    }

    /** Never revoked. */
    record Permanent() implements Credential {

        @Override
        public boolean revocable() {
            return false;
        }
    }

    /** The operator's own key; never revoked. */
    record Operator() implements Credential {

        @Override
        public boolean revocable() {
            return false;
        }
    }

    /**
     * The credential of the principal named {@code issuer}, for what it handed out (a stream
     * ticket records only its issuer's name): the bootstrap key's, or an API key's.
     */
    static Credential ofIssuer(String issuer) {
        return BootstrapKey.NAME.equals(issuer) ? PERMANENT : new Key(ApiKeyName.of(issuer));
    }
}
