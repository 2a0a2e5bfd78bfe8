package domain.session;

import java.util.List;
import java.util.Optional;

/**
 * One page of a walk over every live session ({@link SessionRepository#page}).
 *
 * @param unreadable how many live sessions of the page were left out because their stored user data cannot be read
 * @param next       the cursor of the next page, empty after the last
 */
public record SessionPage(List<StoredSession> sessions, long unreadable, Optional<String> next) {

    public SessionPage {
        sessions = List.copyOf(sessions);
    }
}
