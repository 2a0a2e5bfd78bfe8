package domain.task;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tasks one claim leased, in claim order (highest priority first, FIFO within one).
 *
 * @param nextDueAt when nothing was claimable: the earliest moment a waiting task (delayed, retrying,
 *                  or leased to a worker that may not come back) becomes claimable, so a long poll
 *                  can wake for it without a timer in the store; empty when tasks were claimed or
 *                  the queue holds none of those
 */
public record ClaimBatch(List<Task> tasks, Optional<Instant> nextDueAt) {

    public ClaimBatch {
        tasks = List.copyOf(tasks);
    }

    public static ClaimBatch empty(Optional<Instant> nextDueAt) {
        return new ClaimBatch(List.of(), nextDueAt);
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }
}
