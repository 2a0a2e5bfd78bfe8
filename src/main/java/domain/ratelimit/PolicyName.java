package domain.ratelimit;

import domain.InvalidValueException;
import java.util.regex.Pattern;

/** The name of a rate limit policy. Rule: 1 to 64 characters of {@code a-z 0-9 _ . -}, starting with a letter or digit. */
public record PolicyName(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    /** The policy every principal's use of the service's own API is checked against. */
    public static final PolicyName API = new PolicyName("api");
    /** The policy built from RATE_LIMIT_DEFAULT_REQUESTS and RATE_LIMIT_DEFAULT_WINDOW. */
    public static final PolicyName DEFAULT = new PolicyName("default");

    public PolicyName {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidValueException("policy",
                    "policy name must be 1 to 64 characters of a-z, 0-9, '_', '.' or '-', starting with a letter or digit");
        }
    }

    public static PolicyName of(String value) {
        return new PolicyName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
