package domain;

/**
 * The store behind a port could not answer: connection lost, timed out, or refused the command.
 *
 * <p>Adapters translate their technology's failures into this once, so that services and the REST
 * edge apply the failure policy without knowing which store is configured. {@link StoreFullException}
 * is the one refinement: the store answered, but has no room for a write.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
