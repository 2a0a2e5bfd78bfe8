package application;

/** The named object does not exist, or not for this caller (the two are never told apart). */
public final class NoSuchObjectException extends RuntimeException {

    public NoSuchObjectException(String message) {
        super(message);
    }
}
