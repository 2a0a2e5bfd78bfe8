package domain.ratelimit;

import domain.InvalidValueException;

/** At most {@code requests} units per {@code window}. Rule: requests between 1 and 1,000,000,000. */
public record Limit(long requests, Window window) {

    public static final long MAX_REQUESTS = 1_000_000_000L;

    public Limit {
        if (requests < 1 || requests > MAX_REQUESTS) {
            throw new InvalidValueException("requests", "requests must be between 1 and " + MAX_REQUESTS);
        }
    }

    public static Limit of(long requests, Window window) {
        return new Limit(requests, window);
    }
}
