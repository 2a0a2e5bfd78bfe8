package domain.task;

/**
 * What a worker's complete-and-claim did: the completed task's outcome, and the tasks it leased
 * next from the same queue (none unless the outcome is {@link TaskOutcome.Done}).
 */
public record Handover(TaskOutcome outcome, ClaimBatch next) {

    public Handover {
        if (!(outcome instanceof TaskOutcome.Done) && !next.isEmpty()) {
            throw new IllegalArgumentException("a refused completion claims nothing");
        }
    }
}
