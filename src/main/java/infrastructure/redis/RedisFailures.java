package infrastructure.redis;

import domain.StoreUnavailableException;

/** Translates a Redis client failure into the domain's store failure, once, at the adapter. */
final class RedisFailures {

    private RedisFailures() {
    }

    static Throwable translate(Throwable failure) {
        if (failure instanceof StoreUnavailableException) {
            return failure;
        }
        String reason = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        return new StoreUnavailableException("redis did not answer: " + reason, failure);
    }
}
