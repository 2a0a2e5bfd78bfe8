package domain.encryption;

import domain.InvalidValueException;
import domain.project.ProjectId;
import java.util.Optional;

/**
 * Whose values a data keyset encrypts: one project's, or the sessions' (a session's user data
 * belongs to its user, not to any one project, so the service holds one keyset for all of them).
 *
 * <p>Rule: a project id, or {@code _sessions}; no project id starts with {@code _}, so the two never
 * meet, in a store key or in the data a ciphertext is bound to.
 *
 * @param value the project id, or {@code _sessions}
 */
public record KeysetOwner(String value) {

    /** The owner of every session's user data. */
    public static final KeysetOwner SESSIONS = new KeysetOwner("_sessions");

    public KeysetOwner {
        if (value == null) {
            throw new InvalidValueException("a keyset owner is a project id or _sessions");
        }
        if (!value.equals("_sessions")) {
            new ProjectId(value);
        }
    }

    public static KeysetOwner of(ProjectId project) {
        return new KeysetOwner(project.value());
    }

    /** The project that owns the keyset; empty for the sessions' keyset. */
    public Optional<ProjectId> project() {
        return this.equals(SESSIONS) ? Optional.empty() : Optional.of(ProjectId.of(value));
    }

    /** How logs name it: {@code project p}, or {@code the sessions}. */
    @Override
    public String toString() {
        return this.equals(SESSIONS) ? "the sessions" : "project " + value;
    }
}
