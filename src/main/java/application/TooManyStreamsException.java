package application;

/** As many streams are open as may be (a principal's event streams, an instance's exports); one must end first (429). */
public final class TooManyStreamsException extends RuntimeException {

    public TooManyStreamsException(String message) {
        super(message, null, false, false);
    }
}
