package domain.session;

import domain.access.Credential;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A user's session: who, which projects the session may access, and when it ends.
 *
 * <p>It ends at the first of: {@code idleTimeout} after the last activity, or
 * {@code absoluteExpiresAt}. Activity moves the first, never the second.
 *
 * @param userData the backend's JSON about the user, as JSON text
 */
public record UserSession(
        SessionId id,
        UserId userId,
        String userData,
        Set<ProjectId> projectAccess,
        Instant createdAt,
        Instant lastActivityAt,
        Duration idleTimeout,
        Instant absoluteExpiresAt) {

    public UserSession {
        projectAccess = Set.copyOf(projectAccess);
    }

    /** When the session ends unless there is activity first; never after the absolute expiry. */
    public Instant idleExpiresAt() {
        Instant idle = lastActivityAt.plus(idleTimeout);
        return idle.isBefore(absoluteExpiresAt) ? idle : absoluteExpiresAt;
    }

    public boolean isActiveAt(Instant now) {
        return now.isBefore(idleExpiresAt());
    }

    /** The session after activity at {@code now}: the idle expiry slides, the absolute one stays. */
    public UserSession touchedAt(Instant now) {
        return new UserSession(id, userId, userData, projectAccess, createdAt, now, idleTimeout, absoluteExpiresAt);
    }

    /**
     * What a browser holding this session may do on the API: read the progress of the session's
     * projects, nothing else. Empty for a session with access to no project.
     */
    public Optional<Principal> browserPrincipal() {
        if (projectAccess.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Principal("session:" + id.value(), ProjectAccess.only(projectAccess), Set.of(Scope.PROGRESS_READ),
                new Credential.Session(id.value())));
    }

    /** Never the user data: it may be personal, and is encrypted at rest when the service encrypts. */
    @Override
    public String toString() {
        return "UserSession[id=" + id.value() + ", user=" + userId.value() + ", projects=" + projectAccess + ", createdAt="
                + createdAt + ", lastActivityAt=" + lastActivityAt + ", idleTimeout=" + idleTimeout + ", absoluteExpiresAt="
                + absoluteExpiresAt + "]";
    }

    /** The same session with other user data: the form a store keeps it in, or the one read back. */
    public UserSession withUserData(String data) {
        return new UserSession(id, userId, data, projectAccess, createdAt, lastActivityAt, idleTimeout, absoluteExpiresAt);
    }

    public boolean mayAccess(ProjectId project) {
        return projectAccess.contains(project);
    }

    public UserSession granting(ProjectId project) {
        Set<ProjectId> access = new HashSet<>(projectAccess);
        access.add(project);
        return new UserSession(id, userId, userData, access, createdAt, lastActivityAt, idleTimeout, absoluteExpiresAt);
    }

    public UserSession revoking(ProjectId project) {
        Set<ProjectId> access = new HashSet<>(projectAccess);
        access.remove(project);
        return new UserSession(id, userId, userData, access, createdAt, lastActivityAt, idleTimeout, absoluteExpiresAt);
    }
}
