package domain.task;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many tasks a queue holds in each state (every state present, 0 when none), and how long the
 * first-enqueued queued task has been claimable.
 */
public record QueueCounts(Map<TaskState, Long> byState, Optional<Duration> oldestQueuedAge) {

    public QueueCounts {
        EnumMap<TaskState, Long> all = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            all.put(state, byState.getOrDefault(state, 0L));
        }
        byState = Map.copyOf(all);
    }

    public long of(TaskState state) {
        return byState.get(state);
    }

    /** Tasks that wait to be claimed: queued, scheduled, or failed and retrying. */
    public long waiting() {
        return of(TaskState.QUEUED) + of(TaskState.SCHEDULED) + of(TaskState.FAILED);
    }
}
