package domain.session;

/**
 * A session as a store keeps it: the session and the digest of its token's verifier. What a copy of
 * the store (an export, a migration) carries, so that the session's tokens open it on the copy too.
 *
 * @param verifierDigest SHA-256 of the token's verifier, lowercase hex: not the token, but never logged
 */
public record StoredSession(UserSession session, String verifierDigest) {

    public StoredSession {
        if (session == null) {
            throw new domain.InvalidValueException("a stored session needs its session");
        }
        if (verifierDigest == null || !verifierDigest.matches("[0-9a-f]{64}")) {
            throw new domain.InvalidValueException("verifierDigest", "verifierDigest must be 64 lowercase hex characters (SHA-256)");
        }
    }

    /** Never the digest, nor the user data. */
    @Override
    public String toString() {
        return "StoredSession[" + session + "]";
    }
}
