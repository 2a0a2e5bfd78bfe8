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
        return new StoreUnavailableException("redis did not answer: " + failure.getMessage(), failure);
    }
}
