package domain.progress;

/** Where an operation stands; every status but {@code RUNNING} is terminal. */
public enum ProgressStatus {
    RUNNING,
    COMPLETED,
    FAILED,
    STALLED;

    public boolean isTerminal() {
        return this != RUNNING;
    }

    /** The status a query names, in any case. Rule: one of RUNNING, COMPLETED, FAILED, STALLED. */
    public static ProgressStatus parse(String raw) {
        for (ProgressStatus status : values()) {
            if (status.name().equalsIgnoreCase(raw)) {
                return status;
            }
        }
        throw new domain.InvalidValueException("status must be one of RUNNING, COMPLETED, FAILED, STALLED");
    }
}
