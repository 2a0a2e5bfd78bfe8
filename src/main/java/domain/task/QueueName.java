package domain.task;

import domain.InvalidValueException;
import java.util.regex.Pattern;

/**
 * The name of a queue, unique within its project: a project's tasks of one kind wait in one queue.
 *
 * <p>Rule: 1 to 64 characters of {@code a-z 0-9 _ -}, starting with a letter or a digit (the shape
 * of a project id), so a name is safe inside a store key, a channel name and a URL path.
 */
public record QueueName(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public QueueName {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidValueException("queue",
                    "queue name must be 1 to 64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit");
        }
    }

    public static QueueName of(String value) {
        return new QueueName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
