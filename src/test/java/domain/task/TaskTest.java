package domain.task;

import static domain.task.TaskFixture.EMAILS;
import static domain.task.TaskFixture.LEASE;
import static domain.task.TaskFixture.NOON;
import static domain.task.TaskFixture.SETTINGS;
import static domain.task.TaskFixture.SHOP;
import static domain.task.TaskFixture.deadTask;
import static domain.task.TaskFixture.done;
import static domain.task.TaskFixture.queuedTask;
import static domain.task.TaskFixture.runningTask;
import static domain.task.TaskFixture.scheduledTask;
import static domain.task.TaskFixture.tokenOf;
import static domain.task.TaskFixture.welcomeEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The task state machine, every transition, without any store. */
class TaskTest {

    private static final LeaseToken STRANGER = LeaseToken.of("w9.1");
    private static final RetryPolicy RETRY = SETTINGS.retry();

    // --- enqueue

    @Test
    void aTaskForNowIsQueuedWithNoAttemptsAndTheQueuesMaxAttempts() {
        Task task = queuedTask();

        assertThat(task.state()).isEqualTo(TaskState.QUEUED);
        assertThat(task.attempt()).isZero();
        assertThat(task.maxAttempts()).isEqualTo(3);
        assertThat(task.runAt()).isEqualTo(NOON);
        assertThat(task.lease()).isEmpty();
        assertThat(task.isDueAt(NOON)).isTrue();
    }

    @Test
    void aDelayedTaskIsScheduledAndNotDueBeforeItsRunAt() {
        Task task = scheduledTask(Duration.ofMinutes(5));

        assertThat(task.state()).isEqualTo(TaskState.SCHEDULED);
        assertThat(task.runAt()).isEqualTo(NOON.plus(Duration.ofMinutes(5)));
        assertThat(task.isDueAt(NOON.plus(Duration.ofMinutes(5)).minusMillis(1))).isFalse();
        assertThat(task.isDueAt(NOON.plus(Duration.ofMinutes(5)))).isTrue();
    }

    @Test
    void aTasksOwnMaxAttemptsWinsOverTheQueues() {
        Task task = Task.enqueue(welcomeEmail().withMaxAttempts(7), TaskId.of("t1"), 1, SETTINGS, NOON);

        assertThat(task.maxAttempts()).isEqualTo(7);
    }

    // --- promote

    @Test
    void aScheduledTaskIsPromotedToQueuedOnceDueAndNotBefore() {
        Task task = scheduledTask(Duration.ofSeconds(10));

        assertThat(task.promote(NOON.plusSeconds(9))).isEqualTo(new TaskOutcome.WrongState(TaskState.SCHEDULED));
        Task promoted = done(task.promote(NOON.plusSeconds(10)));
        assertThat(promoted.state()).isEqualTo(TaskState.QUEUED);
        assertThat(promoted.runAt()).isEqualTo(NOON.plusSeconds(10));
    }

    // --- claim

    @Test
    void aClaimLeasesTheTaskCountsAnAttemptAndGivesANewFencingToken() {
        Task running = runningTask();

        assertThat(running.state()).isEqualTo(TaskState.RUNNING);
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.fencingToken()).isEqualTo(1);
        assertThat(tokenOf(running).value()).isEqualTo("w1.1");
        assertThat(running.lease().orElseThrow().expiresAt()).isEqualTo(NOON.plus(LEASE));
    }

    @Test
    void aTaskThatIsNotDueCannotBeClaimed() {
        assertThat(scheduledTask(Duration.ofSeconds(1)).claim(NOON, LEASE, "w1"))
                .isEqualTo(new TaskOutcome.WrongState(TaskState.SCHEDULED));
        assertThat(runningTask().claim(NOON, LEASE, "w2")).isEqualTo(new TaskOutcome.WrongState(TaskState.RUNNING));
    }

    @Test
    void everyClaimAfterALostLeaseGetsTheNextFencingTokenAndADifferentLeaseToken() {
        Task first = runningTask();
        Instant later = NOON.plus(LEASE);
        Task requeued = done(first.expireLease(later));
        Task second = done(requeued.claim(later, LEASE, "w2"));

        assertThat(second.fencingToken()).isEqualTo(2);
        assertThat(tokenOf(second)).isNotEqualTo(tokenOf(first));
        assertThat(second.attempt()).isEqualTo(2);
    }

    // --- lease expiry

    @Test
    void aLeaseIsValidUntilTheMillisecondBeforeItsExpiry() {
        Task running = runningTask();

        assertThat(running.hasLeaseExpiredAt(NOON.plus(LEASE).minusMillis(1))).isFalse();
        assertThat(running.expireLease(NOON.plus(LEASE).minusMillis(1))).isEqualTo(new TaskOutcome.WrongState(TaskState.RUNNING));
        assertThat(running.hasLeaseExpiredAt(NOON.plus(LEASE))).isTrue();
    }

    @Test
    void anExpiredLeaseRequeuesTheTaskClaimableFromTheMomentTheLeaseEnded() {
        Task requeued = done(runningTask().expireLease(NOON.plus(LEASE).plusSeconds(5)));

        assertThat(requeued.state()).isEqualTo(TaskState.QUEUED);
        assertThat(requeued.runAt()).isEqualTo(NOON.plus(LEASE));
        assertThat(requeued.lease()).isEmpty();
        assertThat(requeued.attempt()).isEqualTo(1);
        assertThat(requeued.lastError()).contains("lease expired during attempt 1");
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptKillsTheTask() {
        Task task = Task.enqueue(welcomeEmail().withMaxAttempts(1), TaskId.of("t1"), 1, SETTINGS, NOON);
        Task running = done(task.claim(NOON, LEASE, "w1"));

        Task dead = done(running.expireLease(NOON.plus(LEASE)));

        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.finishedAt()).contains(NOON.plus(LEASE));
    }

    @Test
    void anExpiredLeaseOfATaskWhoseCancelWasRequestedCancelsIt() {
        Task marked = done(runningTask().cancel(NOON.plusSeconds(1)));

        assertThat(done(marked.expireLease(NOON.plus(LEASE))).state()).isEqualTo(TaskState.CANCELLED);
    }

    // --- heartbeat

    @Test
    void aHeartbeatExtendsTheLeaseFromNow() {
        Task extended = done(runningTask().heartbeat(LeaseToken.of("w1.1"), Duration.ofMinutes(2), NOON.plusSeconds(20)));

        assertThat(extended.lease().orElseThrow().expiresAt()).isEqualTo(NOON.plusSeconds(20).plus(Duration.ofMinutes(2)));
        assertThat(extended.state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aHeartbeatWithAnotherTokenIsStaleAndChangesNothing() {
        assertThat(runningTask().heartbeat(STRANGER, LEASE, NOON)).isInstanceOf(TaskOutcome.StaleLease.class);
    }

    @Test
    void aHeartbeatAfterTheLeasePassedIsStale() {
        assertThat(runningTask().heartbeat(LeaseToken.of("w1.1"), LEASE, NOON.plus(LEASE)))
                .isEqualTo(new TaskOutcome.StaleLease("the lease expired"));
    }

    @Test
    void aHeartbeatTellsTheWorkerOfARequestedCancelAndCancelsTheTask() {
        Task marked = done(runningTask().cancel(NOON.plusSeconds(1)));

        TaskOutcome outcome = marked.heartbeat(LeaseToken.of("w1.1"), LEASE, NOON.plusSeconds(2));

        assertThat(outcome).isInstanceOf(TaskOutcome.Cancelled.class);
        Task cancelled = ((TaskOutcome.Cancelled) outcome).task();
        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(cancelled.finishedAt()).contains(NOON.plusSeconds(2));
    }

    @Test
    void aHeartbeatMayExtendByOneSecondToTwelveHours() {
        assertThatThrownBy(() -> runningTask().heartbeat(LeaseToken.of("w1.1"), Duration.ofMillis(999), NOON))
                .isInstanceOf(InvalidValueException.class).hasMessage("extendSeconds must be between 1 second and 12 hours");
        assertThat(runningTask().heartbeat(LeaseToken.of("w1.1"), Duration.ofHours(12), NOON)).isInstanceOf(TaskOutcome.Done.class);
    }

    // --- complete

    @Test
    void completingWithTheCurrentLeaseSucceedsWithTheResult() {
        Task succeeded = done(runningTask().complete(LeaseToken.of("w1.1"), Optional.of("{\"sent\":true}"), NOON.plusSeconds(3)));

        assertThat(succeeded.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(succeeded.result()).contains("{\"sent\":true}");
        assertThat(succeeded.finishedAt()).contains(NOON.plusSeconds(3));
    }

    @Test
    void completingAgainWithTheSameLeaseAnswersTheSucceededTaskUnchanged() {
        Task succeeded = done(runningTask().complete(LeaseToken.of("w1.1"), Optional.empty(), NOON.plusSeconds(3)));

        assertThat(succeeded.complete(LeaseToken.of("w1.1"), Optional.of("other"), NOON.plusSeconds(9)))
                .isEqualTo(new TaskOutcome.Done(succeeded));
    }

    @Test
    void aStaleTokensCompleteIsRefusedAfterTheTaskWasReclaimed() {
        Task first = runningTask();
        Task second = done(done(first.expireLease(NOON.plus(LEASE))).claim(NOON.plus(LEASE), LEASE, "w2"));

        assertThat(second.complete(tokenOf(first), Optional.empty(), NOON.plus(LEASE).plusSeconds(1)))
                .isInstanceOf(TaskOutcome.StaleLease.class);
    }

    @Test
    void aTaskWhoseCancelWasRequestedNeverSucceeds() {
        Task marked = done(runningTask().cancel(NOON.plusSeconds(1)));

        TaskOutcome outcome = marked.complete(LeaseToken.of("w1.1"), Optional.empty(), NOON.plusSeconds(2));

        assertThat(outcome).isInstanceOf(TaskOutcome.Cancelled.class);
        Task after = ((TaskOutcome.Cancelled) outcome).task();
        assertThat(after.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(after.complete(LeaseToken.of("w1.1"), Optional.empty(), NOON.plusSeconds(3))).isEqualTo(new TaskOutcome.Cancelled(after));
    }

    // --- fail

    @Test
    void aFailedAttemptWaitsForTheBackoffThenBecomesDue() {
        Task failed = done(runningTask().fail(LeaseToken.of("w1.1"), "smtp down", true, RETRY, 0, NOON.plusSeconds(2)));

        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.lastError()).contains("smtp down");
        assertThat(failed.runAt()).isEqualTo(NOON.plusSeconds(3));
        assertThat(failed.isDueAt(NOON.plusSeconds(3).minusMillis(1))).isFalse();
        assertThat(done(failed.promote(NOON.plusSeconds(3))).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void theBackoffDoublesWithEachFailedAttempt() {
        Task task = queuedTask();
        Instant now = NOON;
        task = done(task.claim(now, LEASE, "a"));
        task = done(task.fail(tokenOf(task), "e", true, RETRY, 0, now));
        assertThat(Duration.between(now, task.runAt())).isEqualTo(Duration.ofSeconds(1));
        now = task.runAt();
        task = done(task.claim(now, LEASE, "b"));
        task = done(task.fail(tokenOf(task), "e", true, RETRY, 0, now));
        assertThat(Duration.between(now, task.runAt())).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theLastFailedAttemptKillsTheTask() {
        Task dead = deadTask();

        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.attempt()).isEqualTo(3);
        assertThat(dead.lastError()).contains("smtp down");
        assertThat(dead.finishedAt()).isPresent();
    }

    @Test
    void aFailureThatIsNotRetryableKillsTheTaskAtOnce() {
        Task dead = done(runningTask().fail(LeaseToken.of("w1.1"), "bad address", false, RETRY, 0, NOON));

        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.attempt()).isEqualTo(1);
    }

    @Test
    void aStaleTokensFailIsRefused() {
        assertThat(runningTask().fail(STRANGER, "e", true, RETRY, 0, NOON)).isInstanceOf(TaskOutcome.StaleLease.class);
    }

    @Test
    void failingATaskThatIsNoLongerRunningIsTheWrongState() {
        Task failed = done(runningTask().fail(LeaseToken.of("w1.1"), "e", true, RETRY, 0, NOON));

        assertThat(failed.fail(LeaseToken.of("w1.1"), "e", true, RETRY, 0, NOON)).isEqualTo(new TaskOutcome.WrongState(TaskState.FAILED));
    }

    @Test
    void aFailureMustSayWhatWentWrongInAtMost4096Characters() {
        assertThatThrownBy(() -> runningTask().fail(LeaseToken.of("w1.1"), "", true, RETRY, 0, NOON))
                .isInstanceOf(InvalidValueException.class).hasMessage("error must say what went wrong");
        assertThatThrownBy(() -> runningTask().fail(LeaseToken.of("w1.1"), "x".repeat(4097), true, RETRY, 0, NOON))
                .isInstanceOf(InvalidValueException.class).hasMessage("error must be at most 4096 characters");
        assertThat(runningTask().fail(LeaseToken.of("w1.1"), "x".repeat(4096), true, RETRY, 0, NOON)).isInstanceOf(TaskOutcome.Done.class);
    }

    // --- cancel

    @Test
    void cancellingAWaitingTaskCancelsItAtOnce() {
        Task failed = done(runningTask().fail(LeaseToken.of("w1.1"), "e", true, RETRY, 0, NOON));
        for (Task waiting : new Task[] {queuedTask(), scheduledTask(Duration.ofHours(1)), failed}) {
            Task cancelled = done(waiting.cancel(NOON.plusSeconds(1)));

            assertThat(cancelled.state()).as("cancelled from " + waiting.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(cancelled.finishedAt()).contains(NOON.plusSeconds(1));
        }
    }

    @Test
    void cancellingARunningTaskMarksItAndLeavesItRunning() {
        Task marked = done(runningTask().cancel(NOON.plusSeconds(1)));

        assertThat(marked.state()).isEqualTo(TaskState.RUNNING);
        assertThat(marked.cancelRequested()).isTrue();
        assertThat(marked.cancel(NOON.plusSeconds(2))).isEqualTo(new TaskOutcome.Done(marked));
    }

    @Test
    void cancellingIsRefusedForASucceededOrDeadTaskAndRepeatsForACancelledOne() {
        Task succeeded = done(runningTask().complete(LeaseToken.of("w1.1"), Optional.empty(), NOON));
        Task cancelled = done(queuedTask().cancel(NOON));

        assertThat(succeeded.cancel(NOON)).isEqualTo(new TaskOutcome.WrongState(TaskState.SUCCEEDED));
        assertThat(deadTask().cancel(NOON)).isEqualTo(new TaskOutcome.WrongState(TaskState.DEAD));
        assertThat(cancelled.cancel(NOON.plusSeconds(1))).isEqualTo(new TaskOutcome.Done(cancelled));
    }

    // --- redrive

    @Test
    void redrivingADeadLetterQueuesItAgainWithItsAttemptsReset() {
        Task redriven = done(deadTask().redrive(NOON.plusSeconds(60), 42));

        assertThat(redriven.state()).isEqualTo(TaskState.QUEUED);
        assertThat(redriven.attempt()).isZero();
        assertThat(redriven.sequence()).isEqualTo(42);
        assertThat(redriven.finishedAt()).isEmpty();
        assertThat(redriven.lease()).isEmpty();
        assertThat(redriven.isDueAt(NOON.plusSeconds(60))).isTrue();
    }

    @Test
    void onlyADeadLetterCanBeRedriven() {
        assertThat(queuedTask().redrive(NOON, 2)).isEqualTo(new TaskOutcome.WrongState(TaskState.QUEUED));
    }

    // --- retention

    @Test
    void aFinishedTaskIsKeptForTheStatusTtlAndADeadLetterForItsOwnRetention() {
        Task succeeded = done(runningTask().complete(LeaseToken.of("w1.1"), Optional.empty(), NOON));
        Task dead = deadTask();

        assertThat(queuedTask().keptUntil(Duration.ofHours(24), Duration.ofDays(7))).isEmpty();
        assertThat(succeeded.keptUntil(Duration.ofHours(24), Duration.ofDays(7))).contains(NOON.plus(Duration.ofHours(24)));
        assertThat(dead.keptUntil(Duration.ofHours(24), Duration.ofDays(7))).contains(dead.finishedAt().orElseThrow().plus(Duration.ofDays(7)));
    }

    @Test
    void theTaskKnowsWhereItLives() {
        assertThat(queuedTask().ref()).isEqualTo(TaskRef.of(SHOP, EMAILS, TaskId.of("t1")));
    }

    // --- copies (import)

    @Test
    void aCopyOfARunningTaskGivesUpItsLeaseAndWaitsAgainWithItsAttemptCounted() {
        Task copy = runningTask().copiedAt(NOON.plusSeconds(5));

        assertThat(copy.state()).isEqualTo(TaskState.QUEUED);
        assertThat(copy.lease()).isEmpty();
        assertThat(copy.attempt()).isEqualTo(1);
        assertThat(copy.runAt()).isEqualTo(NOON.plusSeconds(5));
    }

    @Test
    void aCopyOfARunningTaskOnItsLastAttemptIsDead() {
        Task running = done(Task.enqueue(welcomeEmail().withMaxAttempts(1), TaskId.of("t1"), 1, SETTINGS, NOON).claim(NOON, LEASE, "w1"));

        Task copy = running.copiedAt(NOON.plusSeconds(5));

        assertThat(copy.state()).isEqualTo(TaskState.DEAD);
        assertThat(copy.finishedAt()).contains(NOON.plusSeconds(5));
    }

    @Test
    void aCopyOfAQueuedTaskFromAClockAheadIsDueNow() {
        Task queued = Task.enqueue(welcomeEmail(), TaskId.of("t1"), 1, SETTINGS, NOON.plusSeconds(30));

        Task copy = queued.copiedAt(NOON);

        assertThat(copy.runAt()).isEqualTo(NOON);
        assertThat(copy.isDueAt(NOON)).isTrue();
        copy.requireRestorableInto(copy.project(), copy.queue(), NOON);
        assertThatThrownBy(() -> queued.requireRestorableInto(queued.project(), queued.queue(), NOON))
                .isInstanceOf(domain.InvalidValueException.class);
    }

    @Test
    void aTaskWhoseFieldsTheTransitionsNeverLeaveIsRefused() {
        Task queued = Task.enqueue(welcomeEmail().withMaxAttempts(2), TaskId.of("t1"), 1, SETTINGS, NOON);
        Task noAttemptLeft = new Task(queued.project(), queued.queue(), queued.id(), queued.payload(), TaskState.QUEUED, 2, 2,
                queued.priority(), 1, NOON, Optional.empty(), 2, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                false, NOON, NOON, Optional.empty());
        Task finishedNever = new Task(queued.project(), queued.queue(), queued.id(), queued.payload(), TaskState.SUCCEEDED, 1, 2,
                queued.priority(), 1, NOON, Optional.empty(), 1, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                false, NOON, NOON, Optional.empty());
        Task beyondSequences = queued.withSequence(Task.MAX_SEQUENCE + 1);

        for (Task broken : List.of(noAttemptLeft, finishedNever, beyondSequences)) {
            assertThatThrownBy(broken::requireConsistent).isInstanceOf(domain.InvalidValueException.class);
        }
        queued.requireConsistent();
    }
}
