package domain.session;

import domain.Secrets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret a session is used with: {@code cds_<sessionId>.<verifier>}, where the verifier is 256
 * bits from a CSPRNG. The session id selects the session; only the SHA-256 digest of the verifier
 * is stored, and a presented verifier is checked against it. Never logged, never in a URL.
 */
public final class SessionToken {

    private static final String PREFIX = "cds_";
    private static final Pattern FORMAT = Pattern.compile("cds_([0-9a-f]{16}[A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
    /** Verifier bytes: 256 bits. */
    public static final int VERIFIER_BYTES = 32;

    private final SessionId sessionId;
    private final String verifier;

    private SessionToken(SessionId sessionId, String verifier) {
        this.sessionId = sessionId;
        this.verifier = verifier;
    }

    /** A fresh token for the session. */
    public static SessionToken issue(SessionId sessionId) {
        return new SessionToken(sessionId, Secrets.randomUrlSafe(VERIFIER_BYTES));
    }

    /**
     * Reads a presented token; empty when it is not of the issued form. Callers treat that like an
     * unknown token, so a client cannot tell a malformed token from a revoked one.
     */
    public static Optional<SessionToken> parse(String presented) {
        if (presented == null || presented.length() != PREFIX.length() + 38 + 1 + 43) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(presented);
        return m.matches() ? Optional.of(new SessionToken(SessionId.of(m.group(1)), m.group(2))) : Optional.empty();
    }

    /** True when a string looks like a session token rather than some other credential. */
    public static boolean looksLikeOne(String presented) {
        return presented != null && presented.startsWith(PREFIX);
    }

    public SessionId sessionId() {
        return sessionId;
    }

    /** The SHA-256 digest of the verifier, lowercase hex: what a store keeps and compares. */
    public String verifierDigest() {
        return Secrets.sha256Hex(verifier);
    }

    /** The token itself; only for the responses that hand it to its owner. */
    public String reveal() {
        return PREFIX + sessionId.value() + "." + verifier;
    }

    @Override
    public String toString() {
        return "SessionToken[" + sessionId + ", verifier redacted]";
    }
}
