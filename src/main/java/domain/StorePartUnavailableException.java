package domain;

/**
 * One part of a store made of several could not answer, while the others do: a Redis Cluster node
 * that is down until its replica takes over. A kind of {@link StoreUnavailableException}, so that the
 * failure policy answers the requests that needed that part; but not a sign that the store as a whole
 * is down, so it must not open a circuit breaker that would refuse the requests the other parts serve.
 */
public final class StorePartUnavailableException extends StoreUnavailableException {

    public StorePartUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
