package domain.cache;

import java.time.Instant;

/**
 * The result of a write: stored (created or replaced), refused by its precondition, or dropped
 * because the store could not take it and the deployment accepts losing writes then.
 */
public sealed interface PutOutcome {

    /** The write happened; {@code created} tells whether the key was absent before. */
    record Stored(long version, Instant expiresAt, boolean created) implements PutOutcome {
    }

    /** The precondition did not hold; nothing was written. */
    record PreconditionFailed() implements PutOutcome {
    }

    /** The store could not take the write in time and it was dropped, as configured: nothing is known to be written. */
    record Dropped() implements PutOutcome {
    }
}
