package domain.task;

import domain.InvalidValueException;

/**
 * Where a task stands. {@code QUEUED}, {@code SCHEDULED} and {@code FAILED} wait (for a worker, for
 * their run-at, for their retry); {@code RUNNING} is leased to a worker; the other three are finished.
 */
public enum TaskState {
    /** Claimable now. */
    QUEUED,
    /** Waiting for its run-at (a delayed task). */
    SCHEDULED,
    /** Leased to a worker. */
    RUNNING,
    /** Completed by its worker. */
    SUCCEEDED,
    /** Failed an attempt and waits for its retry after the backoff. */
    FAILED,
    /** Failed its last attempt (or a non-retryable failure): a dead letter until redriven or expired. */
    DEAD,
    /** Cancelled before it could succeed. */
    CANCELLED;

    /** True for the states that wait to be claimed: queued, scheduled, or failed and retrying. */
    public boolean isWaiting() {
        return this == QUEUED || this == SCHEDULED || this == FAILED;
    }

    /** True for the states a task never leaves on its own: succeeded, dead, cancelled. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == DEAD || this == CANCELLED;
    }

    /** The state a query names, in any case. Rule: one of the seven state names. */
    public static TaskState parse(String raw) {
        for (TaskState state : values()) {
            if (state.name().equalsIgnoreCase(raw)) {
                return state;
            }
        }
        throw new InvalidValueException("state",
                "state must be one of QUEUED, SCHEDULED, RUNNING, SUCCEEDED, FAILED, DEAD, CANCELLED");
    }
}
