package domain.task;

import domain.InvalidValueException;

/**
 * How urgent a task is: higher priorities are claimed first, equal priorities in the order they
 * were enqueued.
 *
 * <p>Rule: an integer from -10 to 10, default 0. A small range on purpose: it is a hint for
 * ordering, not a scheduler, and it keeps the store's sort score exact.
 */
public record Priority(int value) {

    public static final int LOWEST = -10;
    public static final int HIGHEST = 10;
    public static final Priority DEFAULT = new Priority(0);

    public Priority {
        if (value < LOWEST || value > HIGHEST) {
            throw new InvalidValueException("priority", "priority must be between -10 and 10");
        }
    }

    public static Priority of(int value) {
        return new Priority(value);
    }
}
