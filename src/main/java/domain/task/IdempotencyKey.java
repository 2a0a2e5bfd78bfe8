package domain.task;

import domain.InvalidValueException;
import java.util.regex.Pattern;

/**
 * A producer's name for one task in a queue: enqueueing the same key again within the idempotency
 * window gives back the task it made first instead of a second one.
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : ~ -}.
 */
public record IdempotencyKey(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");

    public IdempotencyKey {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidValueException("idempotencyKey",
                    "idempotencyKey must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
        }
    }

    public static IdempotencyKey of(String value) {
        return new IdempotencyKey(value);
    }
}
