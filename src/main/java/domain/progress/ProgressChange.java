package domain.progress;

import domain.InvalidValueException;

/** A change to a running operation; every change ends in exactly one event. */
public sealed interface ProgressChange {

    ProgressEventType eventType();

    String message();

    /** {@code increment} more steps done. Rule: increment between 1 and 1,000,000. */
    record Step(long increment, String message) implements ProgressChange {
        public Step {
            if (increment < 1 || increment > 1_000_000) {
                throw new InvalidValueException("increment", "increment must be between 1 and 1000000");
            }
        }

        @Override
        public ProgressEventType eventType() {
            return ProgressEventType.PROGRESS;
        }
    }

    /**
     * Something happened that is news to a follower but no step: the step stays where it is, the
     * operation keeps running, and the event is a {@code progress} event with the message (a task's
     * failed attempt that will be retried, for one).
     */
    record Note(String message) implements ProgressChange {
        @Override
        public ProgressEventType eventType() {
            return ProgressEventType.PROGRESS;
        }
    }

    /** The operation finished; the current step becomes the total. */
    record Complete(String message) implements ProgressChange {
        @Override
        public ProgressEventType eventType() {
            return ProgressEventType.COMPLETED;
        }
    }

    /** The operation failed with {@code message} as its error. */
    record Fail(String message) implements ProgressChange {
        @Override
        public ProgressEventType eventType() {
            return ProgressEventType.FAILED;
        }
    }

    /**
     * No update came since {@code silentSince}: recorded only if the operation's last update is
     * not after it, so an update that arrives meanwhile wins over the stall.
     */
    record Stall(String message, java.time.Instant silentSince) implements ProgressChange {
        @Override
        public ProgressEventType eventType() {
            return ProgressEventType.STALLED;
        }
    }
}
