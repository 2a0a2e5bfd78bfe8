package domain.task;

/** What enqueueing one task did. */
public sealed interface EnqueueOutcome {

    /** A new task was stored. */
    record Enqueued(Task task) implements EnqueueOutcome {
    }

    /** The idempotency key named a task enqueued before, within its window: that one, unchanged. */
    record Repeated(Task task) implements EnqueueOutcome {
    }

    /** The queue already holds {@code maxQueued} waiting tasks; nothing was stored. */
    record QueueFull(long maxQueued) implements EnqueueOutcome {
    }
}
