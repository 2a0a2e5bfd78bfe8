package domain.progress;

import java.util.List;

/**
 * The retained events after a sequence, in order.
 *
 * @param gap true when events after the requested sequence were dropped from the bounded history,
 *            so the caller missed some
 */
public record EventsPage(List<ProgressEvent> events, boolean gap) {

    public EventsPage {
        events = List.copyOf(events);
    }
}
