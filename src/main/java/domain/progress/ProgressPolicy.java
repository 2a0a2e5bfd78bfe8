package domain.progress;

import domain.InvalidValueException;
import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The rules of progress: bounds of a total, of messages and of the retained history, how long
 * an operation lives after its last update, and when a silent one counts as stalled.
 */
public record ProgressPolicy(long maxTotalSteps, int maxMessageLength, int maxRetainedEvents, Duration ttl,
        Duration stallAfter) {

    public ProgressPolicy {
        if (maxTotalSteps < 1 || maxMessageLength < 1 || maxRetainedEvents < 1) {
            throw new InvalidValueException("progress limits must be positive");
        }
        if (ttl.isNegative() || ttl.isZero() || stallAfter.isNegative() || stallAfter.isZero()) {
            throw new InvalidValueException("progress ttl and stall timeout must be positive");
        }
        if (stallAfter.compareTo(ttl) >= 0) {
            // Otherwise a silent operation would expire before anyone could see it stall.
            throw new InvalidValueException("the progress stall timeout must be shorter than its ttl");
        }
    }

    /** A new running operation at step 0. Rule: totalSteps between 1 and {@code maxTotalSteps}. */
    public Progress start(ProjectId project, ProgressId id, long totalSteps, String message, Instant now) {
        if (totalSteps < 1 || totalSteps > maxTotalSteps) {
            throw new InvalidValueException("totalSteps", "totalSteps must be between 1 and " + maxTotalSteps);
        }
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        return new Progress(project, id, totalSteps, 0, ProgressStatus.RUNNING, message(message), at, at, 1);
    }

    /** The message within bounds; {@code null} becomes empty. Rule: at most {@code maxMessageLength} characters. */
    public String message(String message) {
        String m = message == null ? "" : message;
        if (m.length() > maxMessageLength) {
            throw new InvalidValueException("message", "message must be at most " + maxMessageLength + " characters");
        }
        return m;
    }

    /** A failure's error message within bounds. Rule: not blank, at most {@code maxMessageLength} characters. */
    public String error(String error) {
        if (error == null || error.isBlank()) {
            throw new InvalidValueException("error", "error must say what went wrong");
        }
        return message(error);
    }

    /**
     * The stall to record for {@code progress} at {@code now}: present for a running operation
     * silent for {@code stallAfter} or longer, never for a task's. Recording it changes nothing if an update arrived
     * since the moment it names.
     */
    public Optional<ProgressChange.Stall> stallOf(Progress progress, Instant now) {
        // A task's operation ends with its task: its lease, not silence, tells of a worker gone (a queued
        // task's operation is silent until a worker claims it).
        if (progress.id().isTaskOwned() || !progress.isStalledAt(now, stallAfter)) {
            return Optional.empty();
        }
        return Optional.of(new ProgressChange.Stall("no update for " + stallAfter.toSeconds() + " s",
                now.truncatedTo(ChronoUnit.MILLIS).minus(stallAfter)));
    }
}
