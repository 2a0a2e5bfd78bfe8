package domain.progress;

import domain.InvalidValueException;
import domain.Secrets;
import java.util.regex.Pattern;

/**
 * The correlation id of an operation, unique within its project: given by the client, or
 * generated ({@code op_} and 128 random bits).
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ ~ -}.
 */
public record ProgressId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    public ProgressId {
        if (value == null || !FORMAT.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new InvalidValueException("correlationId",
                    "correlationId must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-', not '.' or '..'");
        }
    }

    public static ProgressId of(String value) {
        return new ProgressId(value);
    }

    public static ProgressId generate() {
        return new ProgressId("op_" + Secrets.randomUrlSafe(16));
    }

    @Override
    public String toString() {
        return value;
    }
}
