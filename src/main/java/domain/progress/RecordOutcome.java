package domain.progress;

/** What recording a change did. */
public sealed interface RecordOutcome {

    /** The change was recorded: the new state and its event. */
    record Recorded(Progress progress, ProgressEvent event) implements RecordOutcome {
    }

    /** The operation had ended already; nothing was recorded. */
    record AlreadyEnded(Progress progress) implements RecordOutcome {
    }

    /** A stall was not recorded: the operation was updated after the moment it had to be silent since. */
    record StillActive(Progress progress) implements RecordOutcome {
    }

    /** No such operation in the project (never started, or expired). */
    record Unknown() implements RecordOutcome {
    }
}
