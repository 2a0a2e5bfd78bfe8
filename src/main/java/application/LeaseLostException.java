package application;

/**
 * A worker presented a lease that is no longer the task's (another claim took it, or it expired),
 * or the task was cancelled; nothing was changed and the worker must stop working on it (409).
 */
public final class LeaseLostException extends RuntimeException {

    private final boolean cancelled;

    private LeaseLostException(String message, boolean cancelled) {
        super(message, null, false, false);
        this.cancelled = cancelled;
    }

    /** The lease is stale: {@code reason} says why. */
    public static LeaseLostException stale(String reason) {
        return new LeaseLostException(reason + "; another worker may hold the task now, stop working on it", false);
    }

    /** The task was cancelled while the worker held it. */
    public static LeaseLostException cancelled(String task) {
        return new LeaseLostException("task " + task + " was cancelled; stop working on it", true);
    }

    /** True when the task was cancelled, false when the lease went stale. */
    public boolean cancelled() {
        return cancelled;
    }
}
