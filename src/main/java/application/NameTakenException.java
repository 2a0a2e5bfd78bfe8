package application;

/** An object of that name exists already; nothing was changed. */
public final class NameTakenException extends RuntimeException {

    public NameTakenException(String message) {
        super(message);
    }
}
