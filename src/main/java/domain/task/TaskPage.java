package domain.task;

import java.util.List;
import java.util.Optional;

/**
 * One page of a queue's tasks in one state, in the order they were enqueued.
 *
 * @param next the cursor of the following page (exclusive), or empty on the last page
 */
public record TaskPage(List<Task> items, Optional<Long> next) {

    public TaskPage {
        items = List.copyOf(items);
    }
}
