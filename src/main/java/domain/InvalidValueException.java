package domain;

/**
 * A value object or policy refused its input; the message names the rule that was broken, and
 * {@link #field()} the input it concerns when the rule knows it.
 *
 * <p>Raised by validating constructors, so that no invalid value can exist in the domain.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private final String field;

    public InvalidValueException(String rule) {
        this("", rule);
    }

    public InvalidValueException(String field, String rule) {
        super(rule);
        this.field = field;
    }

    /** The rule that was broken, phrased for the caller who broke it. */
    public String rule() {
        return getMessage();
    }

    /** The input the rule concerns (e.g. {@code ttlSeconds}), or empty when the caller knows better. */
    public String field() {
        return field;
    }
}
