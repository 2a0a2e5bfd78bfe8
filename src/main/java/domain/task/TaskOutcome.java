package domain.task;

/**
 * What a change to one task did. Expected refusals (a stale lease, a cancelled or missing task, a
 * change its state does not allow) are values; exceptions are left for faults.
 */
public sealed interface TaskOutcome {

    /** The change happened, or was a repeat of one that had; {@code task} is the state after it. */
    record Done(Task task) implements TaskOutcome {
    }

    /**
     * The lease presented is not the task's current one, or it expired: the caller lost the task
     * and nothing changed.
     */
    record StaleLease(String reason) implements TaskOutcome {
    }

    /**
     * The task was cancelled: the worker's change was refused, and {@code task} (now
     * {@link TaskState#CANCELLED}) is what it became.
     */
    record Cancelled(Task task) implements TaskOutcome {
    }

    /** No such task in the queue (never enqueued, or its retention passed). */
    record NotFound() implements TaskOutcome {
    }

    /** The change does not apply to a task in {@code state}; nothing changed. */
    record WrongState(TaskState state) implements TaskOutcome {
    }
}
