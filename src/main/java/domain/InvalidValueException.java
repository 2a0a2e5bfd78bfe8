package domain;

/**
 * A value object refused its input; the message names the rule that was broken.
 *
 * <p>Raised by validating constructors, so that no invalid value can exist in the domain.
 */
public final class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String rule) {
        super(rule);
    }

    /** The rule that was broken, phrased for the caller who broke it. */
    public String rule() {
        return getMessage();
    }
}
