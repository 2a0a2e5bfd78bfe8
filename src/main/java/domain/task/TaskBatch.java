package domain.task;

import java.util.List;
import java.util.Optional;

/**
 * One page of a walk over a queue's tasks by id ({@link TaskRepository#walk}).
 *
 * @param next the cursor of the next page, empty after the last
 */
public record TaskBatch(List<Task> tasks, Optional<String> next) {

    public TaskBatch {
        tasks = List.copyOf(tasks);
    }
}
