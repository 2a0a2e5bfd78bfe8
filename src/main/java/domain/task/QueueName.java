package domain.task;

import domain.Alphabet;
import domain.InvalidValueException;

/**
 * The name of a queue, unique within its project: a project's tasks of one kind wait in one queue.
 *
 * <p>Rule: 1 to 64 characters of {@code a-z 0-9 _ -}, starting with a letter or a digit (the shape
 * of a project id), so a name is safe inside a store key, a channel name and a URL path.
 */
public record QueueName(String value) {

    /** The rule [a-z0-9][a-z0-9_-]{0,63}. */
    private static final Alphabet FORMAT = Alphabet.of("a-z0-9_-");
    private static final Alphabet FIRST = Alphabet.of("a-z0-9");

    public QueueName {
        if (!FORMAT.spans(value, 1, 64, FIRST)) {
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
