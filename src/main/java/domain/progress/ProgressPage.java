package domain.progress;

import java.util.List;
import java.util.Optional;

/**
 * One page of a project's live operations in id order.
 *
 * @param next where the following page starts (exclusive), or empty on the last page
 */
public record ProgressPage(List<Progress> items, Optional<ProgressId> next) {

    public ProgressPage {
        items = List.copyOf(items);
    }
}
