package domain;

/**
 * The store cannot take another write: its disk, or the size it was given, is full. Reads keep
 * working; the write changed nothing. A kind of {@link StoreUnavailableException}, so that the
 * failure policy treats it as one, answered with its own status (507).
 */
public final class StoreFullException extends StoreUnavailableException {

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
