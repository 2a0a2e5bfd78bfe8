package domain;

/**
 * A write reached the store's primary but not as many replicas as the deployment asks to hold it
 * before it is acknowledged: it may survive a failover or not. A kind of
 * {@link StoreUnavailableException}, so that the failure policy answers, but the store did answer: it
 * must not open a circuit breaker (reads go on working), and retrying the write blindly would apply it
 * twice.
 */
public final class StoreNotReplicatedException extends StoreUnavailableException {

    public StoreNotReplicatedException(String message) {
        super(message, null);
    }
}
