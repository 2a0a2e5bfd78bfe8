package application;

/**
 * The principal may not do this: a project outside its grant, or a missing scope. The message says
 * which rule, never whether the object exists.
 */
public final class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
