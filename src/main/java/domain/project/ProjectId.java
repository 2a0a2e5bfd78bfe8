package domain.project;

import domain.InvalidValueException;

/**
 * The identifier of a project, the unit of isolation: every stored object belongs to exactly one.
 *
 * <p>Rule: 1 to 64 characters of {@code a-z 0-9 _ -}, starting with a letter or a digit, so that an
 * id is safe inside a store key, a URL path and a log line without escaping.
 */
public record ProjectId(String value) {

    public static final int MAX_LENGTH = 64;

    public ProjectId {
        if (!isValid(value)) {
            throw new InvalidValueException(
                    "project id must be 1 to 64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit");
        }
    }

    public static ProjectId of(String value) {
        return new ProjectId(value);
    }

    /** Whether {@code value} follows the rule, for a caller that must not throw (a store key read back, a request path). */
    public static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && isWellFormed(value);
    }

    private static boolean isWellFormed(String s) {
        if (!isLowerAlnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isLowerAlnum(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    @Override
    public String toString() {
        return value;
    }
}
