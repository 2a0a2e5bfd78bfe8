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
}
