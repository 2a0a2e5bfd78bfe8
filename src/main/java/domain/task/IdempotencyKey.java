package domain.task;

import domain.Alphabet;
import domain.InvalidValueException;

/**
 * A producer's name for one task in a queue: enqueueing the same key again within the idempotency
 * window gives back the task it made first instead of a second one.
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : ~ -}.
 */
public record IdempotencyKey(String value) {

    /** The rule [A-Za-z0-9._:~-]{1,128}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._:~-");

    public IdempotencyKey {
        if (!FORMAT.spans(value, 1, 128)) {
            throw new InvalidValueException("idempotencyKey",
                    "idempotencyKey must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
        }
    }

    public static IdempotencyKey of(String value) {
        return new IdempotencyKey(value);
    }
}
