package domain.task;

import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;

/** Tasks in every state, built through the transitions themselves, at fixed moments. */
final class TaskFixture {

    static final ProjectId SHOP = ProjectId.of("shop");
    static final QueueName EMAILS = QueueName.of("emails");
    static final Instant NOON = Instant.parse("2030-01-01T12:00:00.000Z");
    static final Duration LEASE = Duration.ofSeconds(30);
    static final QueueSettings SETTINGS = QueueSettings.DEFAULT.withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 3));

    private TaskFixture() {
    }

    static NewTask welcomeEmail() {
        return NewTask.of(SHOP, EMAILS, "{\"to\":\"ada@example.com\"}");
    }

    /** The welcome email enqueued at noon as the queue's first task. */
    static Task queuedTask() {
        return Task.enqueue(welcomeEmail(), TaskId.of("t1"), 1, SETTINGS, NOON);
    }

    static Task scheduledTask(Duration delay) {
        return Task.enqueue(welcomeEmail().delayedBy(delay), TaskId.of("t1"), 1, SETTINGS, NOON);
    }

    /** The queued task claimed at noon with lease base {@code w1}: token {@code w1.1}. */
    static Task runningTask() {
        return done(queuedTask().claim(NOON, LEASE, "w1"));
    }

    static LeaseToken tokenOf(Task task) {
        return task.lease().orElseThrow().token();
    }

    /** A task whose attempts ran out: claimed and failed {@code maxAttempts} times. */
    static Task deadTask() {
        Task task = queuedTask();
        Instant now = NOON;
        for (int i = 1; i <= SETTINGS.retry().maxAttempts(); i++) {
            task = done(task.claim(now, LEASE, "w" + i));
            task = done(task.fail(tokenOf(task), "smtp down", true, SETTINGS.retry(), 0, now));
            now = task.runAt();
        }
        return task;
    }

    static Task done(TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Done done) {
            return done.task();
        }
        throw new AssertionError("expected the transition to happen, got " + outcome);
    }
}
