package domain.session;

import domain.InvalidValueException;
import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The rules of opening sessions: timeouts within bounds, user data and project lists of bounded
 * size, and how many sessions a user may hold at once.
 *
 * @param maxSessionsPerUser 0 for no limit; above it, opening a session revokes the user's oldest
 */
public record SessionPolicy(
        Duration defaultIdleTimeout,
        Duration defaultAbsoluteTimeout,
        Duration maxIdleTimeout,
        Duration maxAbsoluteTimeout,
        int maxSessionsPerUser,
        int maxUserDataBytes,
        int maxProjects) {

    public SessionPolicy {
        if (defaultIdleTimeout.compareTo(maxIdleTimeout) > 0 || defaultAbsoluteTimeout.compareTo(maxAbsoluteTimeout) > 0) {
            throw new InvalidValueException("default session timeouts must not exceed their maximums");
        }
        if (maxSessionsPerUser < 0 || maxProjects < 0) {
            throw new InvalidValueException("session limits must not be negative");
        }
        if (maxUserDataBytes < 4) {
            throw new InvalidValueException("the user data limit must hold at least 4 bytes, room for null");
        }
    }

    /** A session just opened, and the token to use it with: the only time the token exists in clear. */
    public record Opened(UserSession session, SessionToken token) {
    }

    /**
     * Opens a session for {@code user} at {@code now}.
     *
     * @param userData JSON text, {@code null} for none
     * @throws InvalidValueException naming the field when a timeout, the user data or the project list is out of bounds
     */
    public Opened open(UserId user, String userData, Set<ProjectId> projects, OptionalLong idleSeconds,
            OptionalLong absoluteSeconds, Instant now) {
        Duration idle = timeout("idleTimeoutSeconds", idleSeconds, defaultIdleTimeout, maxIdleTimeout);
        Duration absolute = timeout("absoluteTimeoutSeconds", absoluteSeconds, defaultAbsoluteTimeout, maxAbsoluteTimeout);
        String data = userData == null ? "null" : userData;
        if (data.length() > maxUserDataBytes || data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxUserDataBytes) {
            throw new InvalidValueException("userData", "userData must be at most " + maxUserDataBytes + " bytes of JSON");
        }
        if (projects.size() > maxProjects) {
            throw new InvalidValueException("projectAccess", "projectAccess may name at most " + maxProjects + " projects");
        }
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        SessionId id = SessionId.newFor(user);
        UserSession session = new UserSession(id, user, data, projects, at, at, idle, at.plus(absolute));
        return new Opened(session, SessionToken.issue(id));
    }

    /**
     * A session copied from another service (an import), as this service would have opened it: its
     * user data, projects and timeouts within this policy's limits, its times in order (created, then
     * active, then its absolute end), and its id its user's. The same session when it is.
     *
     * @param latest the latest time a copy may name as its creation or activity (now, and the clocks' difference)
     * @throws InvalidValueException naming the rule the copy breaks
     */
    public UserSession admitCopy(UserSession copy, Instant latest) {
        if (!copy.id().userTag().equals(copy.userId().tag())) {
            throw new InvalidValueException("id", "the session id is not one of its user's (its first 16 characters are the user's tag)");
        }
        String data = copy.userData();
        if (data.length() > maxUserDataBytes || data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxUserDataBytes) {
            throw new InvalidValueException("userData", "userData must be at most " + maxUserDataBytes + " bytes of JSON");
        }
        if (copy.projectAccess().size() > maxProjects) {
            throw new InvalidValueException("projectAccess", "projectAccess may name at most " + maxProjects + " projects");
        }
        if (copy.idleTimeout().compareTo(Duration.ofSeconds(1)) < 0 || copy.idleTimeout().compareTo(maxIdleTimeout) > 0) {
            throw new InvalidValueException("idleTimeout", "the idle timeout must be between 1 and " + maxIdleTimeout.getSeconds()
                    + " seconds");
        }
        if (copy.createdAt().isBefore(Instant.EPOCH) || copy.lastActivityAt().isBefore(copy.createdAt())
                || copy.lastActivityAt().isAfter(latest) || !copy.absoluteExpiresAt().isAfter(copy.createdAt())) {
            throw new InvalidValueException("createdAt", "the session's times are out of order: created (after 1970), then active "
                    + "(not in the future), then its absolute end");
        }
        if (Duration.between(copy.createdAt(), copy.absoluteExpiresAt()).compareTo(maxAbsoluteTimeout) > 0) {
            throw new InvalidValueException("absoluteExpiresAt", "the absolute end lies more than " + maxAbsoluteTimeout.getSeconds()
                    + " seconds after the creation");
        }
        return copy;
    }

    private static Duration timeout(String field, OptionalLong seconds, Duration fallback, Duration max) {
        if (seconds.isEmpty()) {
            return fallback;
        }
        long s = seconds.getAsLong();
        if (s < 1 || s > max.getSeconds()) {
            throw new InvalidValueException(field, field + " must be between 1 and " + max.getSeconds());
        }
        return Duration.ofSeconds(s);
    }
}
