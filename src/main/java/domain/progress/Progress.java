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

    /** The event a store records when it stores this new operation: sequence 1, at step 0, at its start. */
    public ProgressEvent startedEvent() {
        return new ProgressEvent(1, ProgressEventType.STARTED, 0, message, startedAt);
    }

    /**
     * What recording {@code change} at {@code now} makes of this operation, the rules every store
     * applies: nothing on an ended operation, nothing for a stall when it was updated after the
     * moment it had to be silent since, else the next event (the step moved by a step's increment,
     * never past the total; the total on completion) and the state after it.
     */
    public RecordOutcome apply(ProgressChange change, Instant now) {
        if (status.isTerminal()) {
            return new RecordOutcome.AlreadyEnded(this);
        }
        if (change instanceof ProgressChange.Stall stall && updatedAt.isAfter(stall.silentSince())) {
            return new RecordOutcome.StillActive(this);
        }
        long step = currentStep;
        if (change instanceof ProgressChange.Step s) {
            step = Math.min(totalSteps, currentStep + s.increment());
        } else if (change instanceof ProgressChange.Complete) {
            step = totalSteps;
        }
        ProgressEvent event = new ProgressEvent(lastSequence + 1, change.eventType(), step, change.message(), now);
        return new RecordOutcome.Recorded(after(event), event);
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
