package domain.progress;

import java.time.Instant;

/**
 * One recorded change of an operation.
 *
 * @param sequence 1 for the start, then one more per event: the SSE event id, and what a
 *                 reconnecting client resumes after
 * @param step     the current step after the change
 */
public record ProgressEvent(long sequence, ProgressEventType type, long step, String message, Instant at) {
}
