package application;

/**
 * No credential, or one that is unknown, malformed or revoked; which of these is never told. The
 * message names the credential the path takes (an API key, a session token, a stream ticket).
 */
public final class UnauthenticatedException extends RuntimeException {

    public static final String API_KEY_REQUIRED = "a valid API key is required: send 'Authorization: Bearer <key>'";
    public static final String SESSION_REQUIRED =
            "a valid session token is required: send 'Authorization: Bearer cds_…' or the cd_session cookie";
    public static final String TICKET_REFUSED = "the ticket is unknown, expired or for another stream; ask for a new one";

    /** Without a valid API key. */
    public UnauthenticatedException() {
        this(API_KEY_REQUIRED);
    }

    public UnauthenticatedException(String message) {
        super(message);
    }
}
