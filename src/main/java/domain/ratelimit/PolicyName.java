package domain.ratelimit;

import domain.Alphabet;
import domain.InvalidValueException;

/** The name of a rate limit policy. Rule: 1 to 64 characters of {@code a-z 0-9 _ . -}, starting with a letter or digit. */
public record PolicyName(String value) {

    /** The rule [a-z0-9][a-z0-9_.-]{0,63}. */
    private static final Alphabet FORMAT = Alphabet.of("a-z0-9_.-");
    private static final Alphabet FIRST = Alphabet.of("a-z0-9");

    /** The policy every principal's use of the service's own API is checked against. */
    public static final PolicyName API = new PolicyName("api");
    /** The policy built from RATE_LIMIT_DEFAULT_REQUESTS and RATE_LIMIT_DEFAULT_WINDOW. */
    public static final PolicyName DEFAULT = new PolicyName("default");

    public PolicyName {
        if (!FORMAT.spans(value, 1, 64, FIRST)) {
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
