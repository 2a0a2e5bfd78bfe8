package domain.access;

/**
 * A notice that a credential was revoked or lost some of its rights, sent to every instance so
 * that what its principal holds open (event streams) ends there too.
 */
public sealed interface Revocation {

    /** The API key is revoked: its principal, and every ticket it asked for, lose every right. */
    record KeyRevoked(ApiKeyName name) implements Revocation {
    }

    /** The session ended (revoked, logged out, evicted as its user's oldest). */
    record SessionRevoked(Credential.Session session) implements Revocation {
    }

    /** The session's project access changed: what it holds open must be checked again. */
    record SessionAccessChanged(Credential.Session session) implements Revocation {
    }

    /**
     * Every session its user held when the notice was sent ended. Carries the user's tag (see
     * {@link Credential.Session#userTag()}), never the user id.
     */
    record UserSessionsRevoked(String userTag) implements Revocation {

        public UserSessionsRevoked {
            if (userTag == null || !userTag.matches("[0-9a-f]{16}")) {
                throw new domain.InvalidValueException("a user tag is 16 lowercase hex characters");
            }
        }
    }
}
