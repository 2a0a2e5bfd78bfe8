package domain;

/**
 * This instance holds as many calls waiting for its store as it may (a connection pool's wait queue,
 * a writer's queue): the call was not sent, and nothing says the store is down. A kind of
 * {@link StoreUnavailableException}, so that the failure policy answers it, but a sign of this
 * instance's load, not of the store's health: it must not open a circuit breaker, which would refuse
 * the calls the store could have served, nor be retried at once, which would add to the queue.
 */
public final class StoreBusyException extends StoreUnavailableException {

    public StoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
