package domain.cache;

import java.time.Instant;

/** The result of a conditional write: stored (created or replaced), or refused by its precondition. */
public sealed interface PutOutcome {

    /** The write happened; {@code created} tells whether the key was absent before. */
    record Stored(long version, Instant expiresAt, boolean created) implements PutOutcome {
    }

    /** The precondition did not hold; nothing was written. */
    record PreconditionFailed() implements PutOutcome {
    }
}
