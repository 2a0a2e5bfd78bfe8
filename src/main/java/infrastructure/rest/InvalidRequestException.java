package infrastructure.rest;

import java.util.List;

/** A request broke one or more rules; each is listed, so a client can fix them all at once. */
public final class InvalidRequestException extends RuntimeException {

    private final List<Problem.Violation> violations;

    public InvalidRequestException(List<Problem.Violation> violations) {
        super(violations.size() == 1 ? violations.get(0).message() : violations.size() + " rules were broken");
        this.violations = List.copyOf(violations);
    }

    /** With a detail of its own, for violations of which only the first are listed. */
    public InvalidRequestException(List<Problem.Violation> violations, String detail) {
        super(detail);
        this.violations = List.copyOf(violations);
    }

    public static InvalidRequestException of(String field, String message) {
        return new InvalidRequestException(List.of(new Problem.Violation(field, message)));
    }

    public List<Problem.Violation> violations() {
        return violations;
    }
}
