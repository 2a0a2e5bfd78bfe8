package domain.task;

import domain.Alphabet;
import domain.InvalidValueException;

/**
 * The proof that a worker holds a task's current lease: {@code <random>.<fencing token>}, new on
 * every claim. Only the holder of the current one may heartbeat, complete or fail the task.
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ -}.
 */
public record LeaseToken(String value) {

    /** The rule [A-Za-z0-9._-]{1,128}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._-");

    public LeaseToken {
        if (!FORMAT.spans(value, 1, 128)) {
            throw new InvalidValueException("leaseToken", "leaseToken must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        }
    }

    public static LeaseToken of(String value) {
        return new LeaseToken(value);
    }

    /** The token of the claim that gave fencing token {@code fencing}: the claim's random base, a dot, the number. */
    public static LeaseToken of(String base, long fencing) {
        return new LeaseToken(base + "." + fencing);
    }

    @Override
    public String toString() {
        // A lease token is a credential of sorts: logs show only that there is one.
        return "LeaseToken[…]";
    }
}
