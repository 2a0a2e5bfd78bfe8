package domain.cache;

import domain.InvalidValueException;

/** How many keys one listing page may return. Rule: between 1 and 1000. */
public record PageSize(int value) {

    public static final int MAX = 1000;
    public static final PageSize DEFAULT = new PageSize(100);

    public PageSize {
        if (value < 1 || value > MAX) {
            throw new InvalidValueException("limit must be between 1 and 1000");
        }
    }

    public static PageSize of(int value) {
        return new PageSize(value);
    }

    /** The page size a query parameter names, by the same rule. */
    public static PageSize parse(String raw) {
        try {
            return new PageSize(Integer.parseInt(raw));
        } catch (NumberFormatException e) {
            throw new InvalidValueException("limit must be between 1 and " + MAX);
        }
    }
}
