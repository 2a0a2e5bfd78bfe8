package application;

/** The principal holds as many open event streams as it may; one must close first (429). */
public final class TooManyStreamsException extends RuntimeException {

    public TooManyStreamsException(String message) {
        super(message, null, false, false);
    }
}
