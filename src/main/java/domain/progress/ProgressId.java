package domain.progress;

import domain.Alphabet;
import domain.InvalidValueException;
import domain.Secrets;

/**
 * The correlation id of an operation, unique within its project: given by the client, or
 * generated ({@code op_} and 128 random bits).
 *
 * <p>Rule: 1 to 128 characters of {@code A-Z a-z 0-9 . _ ~ -}.
 */
public record ProgressId(String value) {

    /** The rule [A-Za-z0-9._~-]{1,128}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._~-");

    public ProgressId {
        if (!FORMAT.spans(value, 1, 128) || value.equals(".") || value.equals("..")) {
            throw new InvalidValueException("correlationId",
                    "correlationId must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-', not '.' or '..'");
        }
    }

    /** The prefix of the operations the task queue starts for its tasks; no client may choose an id with it. */
    public static final String TASK_PREFIX = "task-";

    public static ProgressId of(String value) {
        return new ProgressId(value);
    }

    public static ProgressId generate() {
        return new ProgressId("op_" + Secrets.randomUrlSafe(16));
    }

    /** A new id for the progress of a task: {@value #TASK_PREFIX} and 128 random bits. */
    public static ProgressId forTask() {
        return new ProgressId(TASK_PREFIX + Secrets.randomUrlSafe(16));
    }

    /** True for the ids of the task queue's operations, which clients may follow but not start. */
    public boolean isTaskOwned() {
        return value.startsWith(TASK_PREFIX);
    }

    @Override
    public String toString() {
        return value;
    }
}
