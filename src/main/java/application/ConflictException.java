package application;

/** The request conflicts with the state of the object; nothing was changed. */
public final class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
