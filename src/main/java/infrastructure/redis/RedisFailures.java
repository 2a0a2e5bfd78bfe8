package infrastructure.redis;

import domain.StoreUnavailableException;

/** Translates a Redis client failure into the domain's store failure, once, at the adapter. */
final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * The failure's message and those of its causes, joined by ": " (a message its cause repeats is said
     * once): "Failed to create SSL connection" alone does not tell a refused certificate from a refused
     * protocol; its causes do.
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable at = failure; at != null && depth < 6; at = at.getCause() == at ? null : at.getCause(), depth++) {
            String message = at.getMessage() != null ? at.getMessage() : at.getClass().getSimpleName();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    static Throwable translate(Throwable failure) {
        if (failure instanceof StoreUnavailableException) {
            return failure;
        }
        return new StoreUnavailableException("redis did not answer: " + describe(failure), failure);
    }
}
