package domain.progress;

import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of an operation: how many of its steps are done, its status and last message.
 *
 * <p>Steps beyond the total are accepted and recorded as events, but the current step never
 * exceeds the total: an operation that overruns its estimate stays at 100 % until it completes.
 *
 * @param lastSequence the sequence of the last event recorded
 */
public record Progress(
        ProjectId project,
        ProgressId id,
        long totalSteps,
        long currentStep,
        ProgressStatus status,
        String message,
        Instant startedAt,
        Instant updatedAt,
        long lastSequence) {

    /** Done steps over the total, 0 to 100, to one decimal. */
    public double percentage() {
        return Math.floor(currentStep * 1000.0 / totalSteps) / 10.0;
    }

    /**
     * The state right after {@code event}, the next event of this operation: what a store that
     * recorded it holds. Rule: only the event with sequence {@code lastSequence + 1} follows.
     */
    public Progress after(ProgressEvent event) {
        if (event.sequence() != lastSequence + 1) {
            throw new IllegalArgumentException("event " + event.sequence() + " does not follow event " + lastSequence);
        }
        ProgressStatus next = switch (event.type()) {
            case COMPLETED -> ProgressStatus.COMPLETED;
            case FAILED -> ProgressStatus.FAILED;
            case STALLED -> ProgressStatus.STALLED;
            default -> ProgressStatus.RUNNING;
        };
        return new Progress(project, id, totalSteps, event.step(), next, event.message(), startedAt, event.at(), event.sequence());
    }

    /** True for a running operation with no update for longer than {@code stallAfter} at {@code now}. */
    public boolean isStalledAt(Instant now, Duration stallAfter) {
        return status == ProgressStatus.RUNNING && !updatedAt.plus(stallAfter).isAfter(now);
    }
}
