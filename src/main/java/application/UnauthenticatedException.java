package application;

/** No credential, or one that is unknown, malformed or revoked; which of these is never told. */
public final class UnauthenticatedException extends RuntimeException {

    public UnauthenticatedException() {
        super("a valid API key is required: send 'Authorization: Bearer <key>'");
    }
}
