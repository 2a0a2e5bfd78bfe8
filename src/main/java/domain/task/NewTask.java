package domain.task;

import domain.InvalidValueException;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a producer asks to enqueue: a payload for a queue of a project, with its delay, priority,
 * attempts (else the queue's), idempotency key and linked progress operation.
 *
 * <p>Rules: the payload is an opaque, non-empty JSON text (its size limit is the edge's); a delay of
 * 0 to 30 days; max attempts 1 to 100 when given.
 */
public record NewTask(
        ProjectId project,
        QueueName queue,
        String payload,
        Duration delay,
        Priority priority,
        Optional<Integer> maxAttempts,
        Optional<IdempotencyKey> idempotencyKey,
        Optional<ProgressId> progressId) {

    public NewTask {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(queue, "queue");
        if (payload == null || payload.isBlank()) {
            throw new InvalidValueException("payload", "payload must be a JSON value");
        }
        TaskLimits.delay("delaySeconds", delay);
        Objects.requireNonNull(priority, "priority");
        maxAttempts.ifPresent(n -> TaskLimits.attempts("maxAttempts", n));
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(progressId, "progressId");
    }

    /** A task for now, at the default priority, with the queue's attempts and no key or progress. */
    public static NewTask of(ProjectId project, QueueName queue, String payload) {
        return new NewTask(project, queue, payload, Duration.ZERO, Priority.DEFAULT, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public NewTask delayedBy(Duration by) {
        return new NewTask(project, queue, payload, by, priority, maxAttempts, idempotencyKey, progressId);
    }

    public NewTask withPriority(int value) {
        return new NewTask(project, queue, payload, delay, Priority.of(value), maxAttempts, idempotencyKey, progressId);
    }

    public NewTask withMaxAttempts(int attempts) {
        return new NewTask(project, queue, payload, delay, priority, Optional.of(attempts), idempotencyKey, progressId);
    }

    public NewTask withIdempotencyKey(String key) {
        return new NewTask(project, queue, payload, delay, priority, maxAttempts, Optional.of(IdempotencyKey.of(key)), progressId);
    }

    public NewTask withProgress(ProgressId id) {
        return new NewTask(project, queue, payload, delay, priority, maxAttempts, idempotencyKey, Optional.of(id));
    }
}
