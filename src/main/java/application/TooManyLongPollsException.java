package application;

/** The principal holds as many waiting (long-poll) claims as it may on this instance; one must end first (429). */
public final class TooManyLongPollsException extends RuntimeException {

    public TooManyLongPollsException(String message) {
        super(message, null, false, false);
    }
}
