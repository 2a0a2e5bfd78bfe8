package application;

/** The follower saw the operation's terminal event already: there is nothing more to stream (204). */
public final class StreamEndedException extends RuntimeException {

    public StreamEndedException(String message) {
        super(message, null, false, false);
    }
}
