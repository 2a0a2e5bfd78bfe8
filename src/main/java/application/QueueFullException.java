package application;

/** The queue holds as many waiting tasks as its settings allow; nothing was enqueued (429). */
public final class QueueFullException extends RuntimeException {

    private final long maxQueued;

    public QueueFullException(String message, long maxQueued) {
        super(message, null, false, false);
        this.maxQueued = maxQueued;
    }

    public long maxQueued() {
        return maxQueued;
    }
}
