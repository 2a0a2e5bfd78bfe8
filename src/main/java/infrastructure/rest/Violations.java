package infrastructure.rest;

import domain.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects the violations of one request while its parts are parsed into value objects, so that
 * the answer lists every broken rule instead of the first.
 */
final class Violations {

    private final List<Problem.Violation> found = new ArrayList<>();

    /**
     * The parsed value, or null after recording the rule it broke under {@code field}; an empty
     * {@code field} leaves naming it to the rule (a whole-object rule such as a policy's knows which
     * of its parts broke it).
     */
    <T> T check(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidValueException e) {
            found.add(new Problem.Violation(field.isEmpty() ? e.field() : field, e.rule()));
            return null;
        }
    }

    /** The parsed value, or null after recording the rule it broke under the field the rule names itself. */
    <T> T check(Supplier<T> parse) {
        return check("", parse);
    }

    void add(String field, String message) {
        found.add(new Problem.Violation(field, message));
    }

    /** The violations recorded so far. */
    List<Problem.Violation> found() {
        return List.copyOf(found);
    }

    /** Throws an {@link InvalidRequestException} listing every violation, if there is any. */
    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidRequestException(found);
        }
    }
}
