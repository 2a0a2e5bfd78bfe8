package domain.task;

import domain.progress.ProgressId;
import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit of background work and its place in the task state machine. Every transition is a pure
 * function of the task, the moment and the caller's input, and answers a {@link TaskOutcome}: the
 * in-memory store applies these functions, and the Redis scripts ({@code task_*.lua}) mirror them.
 *
 * <pre>
 * enqueue   -> QUEUED, or SCHEDULED when run-at is later
 * promote   SCHEDULED | FAILED, due         -> QUEUED
 * claim     QUEUED (or a due waiting task)  -> RUNNING, attempt + 1, new fencing token and lease
 * heartbeat RUNNING, current lease          -> RUNNING, lease extended   (CANCELLED if cancel was requested)
 * complete  RUNNING, current lease          -> SUCCEEDED                 (CANCELLED if cancel was requested)
 * fail      RUNNING, current lease          -> FAILED until the backoff passes, DEAD after the last attempt
 * expire    RUNNING, lease passed           -> QUEUED, DEAD after the last attempt, CANCELLED if requested
 * cancel    QUEUED | SCHEDULED | FAILED     -> CANCELLED; RUNNING -> cancel requested, the worker learns it
 * redrive   DEAD                            -> QUEUED with its attempts reset
 * </pre>
 *
 * @param attempt        how many times the task was claimed (the current attempt while running)
 * @param sequence       its place in the queue: equal priorities are claimed in sequence order
 * @param runAt          when it becomes (or became) claimable
 * @param lease          the current, or the last, worker's lease; its token identifies the owner
 * @param fencingToken   grows by one with every claim, so a store or a downstream system can tell
 *                       a newer owner's writes from an older one's
 * @param payload        an opaque JSON text
 * @param result         an opaque JSON text the worker completed with
 */
public record Task(
        ProjectId project,
        QueueName queue,
        TaskId id,
        String payload,
        TaskState state,
        int attempt,
        int maxAttempts,
        Priority priority,
        long sequence,
        Instant runAt,
        Optional<Lease> lease,
        long fencingToken,
        Optional<IdempotencyKey> idempotencyKey,
        Optional<ProgressId> progressId,
        Optional<String> result,
        Optional<String> lastError,
        boolean cancelRequested,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> finishedAt) {

    public Task {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** The task {@code request} becomes when stored at {@code now} as number {@code sequence} of its queue. */
    public static Task enqueue(NewTask request, TaskId id, long sequence, QueueSettings settings, Instant now) {
        Instant at = ms(now);
        Instant runAt = at.plus(request.delay().truncatedTo(ChronoUnit.MILLIS));
        TaskState state = runAt.isAfter(at) ? TaskState.SCHEDULED : TaskState.QUEUED;
        return new Task(request.project(), request.queue(), id, request.payload(), state, 0,
                request.maxAttempts().orElse(settings.retry().maxAttempts()), request.priority(), sequence, runAt,
                Optional.empty(), 0, request.idempotencyKey(), request.progressId(), Optional.empty(), Optional.empty(), false,
                at, at, Optional.empty());
    }

    public TaskRef ref() {
        return new TaskRef(project, queue, id);
    }

    /** True when the task waits and its run-at has come: a claim may take it. */
    public boolean isDueAt(Instant now) {
        return state.isWaiting() && !runAt.isAfter(now);
    }

    /** True when the task runs under a lease that passed at {@code now}: the next claim reclaims it. */
    public boolean hasLeaseExpiredAt(Instant now) {
        return state == TaskState.RUNNING && lease.map(l -> l.hasExpiredAt(now)).orElse(true);
    }

    /**
     * When a finished task's record goes: {@code statusTtl} after it succeeded or was cancelled,
     * {@code deadLetterTtl} after it died; empty while it is not finished.
     */
    public Optional<Instant> keptUntil(Duration statusTtl, Duration deadLetterTtl) {
        if (!state.isFinished()) {
            return Optional.empty();
        }
        return finishedAt.map(at -> at.plus(state == TaskState.DEAD ? deadLetterTtl : statusTtl));
    }

    // --- transitions

    /** A due scheduled or retrying task becomes queued. Refused (WrongState) for any other. */
    public TaskOutcome promote(Instant now) {
        if (state == TaskState.QUEUED || !isDueAt(now)) {
            return new TaskOutcome.WrongState(state);
        }
        return done(TaskState.QUEUED, attempt, runAt, lease, lastError, false, now, Optional.empty());
    }

    /**
     * Leases a due task for {@code leaseFor}: RUNNING, one more attempt, the next fencing token and
     * the lease token {@code <tokenBase>.<fencing>}. Refused (WrongState) unless due at {@code now}.
     */
    public TaskOutcome claim(Instant now, Duration leaseFor, String tokenBase) {
        if (!isDueAt(now)) {
            return new TaskOutcome.WrongState(state);
        }
        long fencing = fencingToken + 1;
        Lease granted = new Lease(LeaseToken.of(tokenBase, fencing), ms(now).plus(leaseFor.truncatedTo(ChronoUnit.MILLIS)));
        return new TaskOutcome.Done(new Task(project, queue, id, payload, TaskState.RUNNING, attempt + 1, maxAttempts, priority,
                sequence, runAt, Optional.of(granted), fencing, idempotencyKey, progressId, result, lastError, false, createdAt,
                ms(now), Optional.empty()));
    }

    /**
     * Takes a task whose lease passed back from its silent worker: queued again (claimable from the
     * moment the lease ended), dead if that was its last attempt, cancelled if a cancel was
     * requested. Refused (WrongState) unless the lease passed at {@code now}.
     */
    public TaskOutcome expireLease(Instant now) {
        if (!hasLeaseExpiredAt(now)) {
            return new TaskOutcome.WrongState(state);
        }
        String error = "lease expired during attempt " + attempt;
        if (cancelRequested) {
            return done(TaskState.CANCELLED, attempt, runAt, lease, lastError, true, now, Optional.of(ms(now)));
        }
        if (attempt >= maxAttempts) {
            return done(TaskState.DEAD, attempt, runAt, lease, Optional.of(error), false, now, Optional.of(ms(now)));
        }
        Instant requeuedAt = lease.map(Lease::expiresAt).orElse(ms(now));
        return done(TaskState.QUEUED, attempt, requeuedAt, Optional.empty(), Optional.of(error), false, now, Optional.empty());
    }

    /**
     * Extends the lease to {@code extendBy} from now; the worker learns here of a requested cancel.
     * Rule: an extension of 1 s to 12 h.
     */
    public TaskOutcome heartbeat(LeaseToken token, Duration extendBy, Instant now) {
        TaskLimits.lease("extendSeconds", extendBy);
        Optional<TaskOutcome> refusal = refusalFor(token, now);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        Lease extended = new Lease(lease.orElseThrow().token(), ms(now).plus(extendBy.truncatedTo(ChronoUnit.MILLIS)));
        return done(TaskState.RUNNING, attempt, runAt, Optional.of(extended), lastError, false, now, Optional.empty());
    }

    /**
     * Finishes the task as succeeded with {@code result}. A repeat by the same lease answers the
     * succeeded task again, unchanged (idempotent for its lease).
     */
    public TaskOutcome complete(LeaseToken token, Optional<String> withResult, Instant now) {
        if (state == TaskState.SUCCEEDED && lease.map(l -> l.isHeldBy(token)).orElse(false)) {
            return new TaskOutcome.Done(this);
        }
        Optional<TaskOutcome> refusal = refusalFor(token, now);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        return new TaskOutcome.Done(new Task(project, queue, id, payload, TaskState.SUCCEEDED, attempt, maxAttempts, priority,
                sequence, runAt, lease, fencingToken, idempotencyKey, progressId, withResult, lastError, false, createdAt, ms(now),
                Optional.of(ms(now))));
    }

    /**
     * Records a failed attempt: retried after the policy's backoff ({@code jitter} in [0, 1)), or
     * dead when it was the last attempt or the error is not {@code retryable}. Rule: the error
     * says what went wrong, in at most 4096 characters.
     */
    public TaskOutcome fail(LeaseToken token, String error, boolean retryable, RetryPolicy policy, double jitter, Instant now) {
        TaskLimits.error(error);
        Optional<TaskOutcome> refusal = refusalFor(token, now);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (!retryable || attempt >= maxAttempts) {
            return done(TaskState.DEAD, attempt, runAt, lease, Optional.of(error), false, now, Optional.of(ms(now)));
        }
        Instant retryAt = ms(now).plus(policy.delayBefore(attempt, jitter));
        return done(TaskState.FAILED, attempt, retryAt, lease, Optional.of(error), false, now, Optional.empty());
    }

    /**
     * Cancels the task: at once while it waits; a running one is marked, and its worker is refused
     * on its next heartbeat, complete or fail. A repeat answers the same. Refused (WrongState) for
     * a task that succeeded or died.
     */
    public TaskOutcome cancel(Instant now) {
        return switch (state) {
            case QUEUED, SCHEDULED, FAILED -> done(TaskState.CANCELLED, attempt, runAt, lease, lastError, false, now, Optional.of(ms(now)));
            case RUNNING -> cancelRequested ? new TaskOutcome.Done(this)
                    : done(TaskState.RUNNING, attempt, runAt, lease, lastError, true, now, Optional.empty());
            case CANCELLED -> new TaskOutcome.Done(this);
            case SUCCEEDED, DEAD -> new TaskOutcome.WrongState(state);
        };
    }

    /** Puts a dead letter back in its queue as number {@code newSequence}, its attempts reset. Refused unless DEAD. */
    public TaskOutcome redrive(Instant now, long newSequence) {
        if (state != TaskState.DEAD) {
            return new TaskOutcome.WrongState(state);
        }
        return new TaskOutcome.Done(new Task(project, queue, id, payload, TaskState.QUEUED, 0, maxAttempts, priority, newSequence,
                ms(now), Optional.empty(), fencingToken, idempotencyKey, progressId, Optional.empty(), lastError, false, createdAt,
                ms(now), Optional.empty()));
    }

    /** The same task under another sequence (a copy placed into a queue that gave its own already). */
    public Task withSequence(long newSequence) {
        return new Task(project, queue, id, payload, state, attempt, maxAttempts, priority, newSequence, runAt, lease, fencingToken,
                idempotencyKey, progressId, result, lastError, cancelRequested, createdAt, updatedAt, finishedAt);
    }

    /**
     * The task as a copy in another store keeps it (an import): no lease, since a worker's lease never
     * carries over, so a running task is taken back from its worker at {@code now} as {@link #expireLease}
     * does (queued again, dead after its last attempt, cancelled if that was requested).
     */
    public Task copiedAt(Instant now) {
        // Queued means claimable now: a copy from a store whose clock ran ahead may say later.
        Instant due = state == TaskState.QUEUED && runAt.isAfter(now) ? ms(now) : runAt;
        Task unleased = new Task(project, queue, id, payload, state, attempt, maxAttempts, priority, sequence, due,
                Optional.empty(), fencingToken, idempotencyKey, progressId, result, lastError, cancelRequested, createdAt, updatedAt,
                finishedAt);
        return state == TaskState.RUNNING ? ((TaskOutcome.Done) unleased.expireLease(now)).task() : unleased;
    }

    /**
     * Fails unless a store may take this task as a copy into that project's queue
     * ({@link TaskRepository#restore}): it is the queue's, and it is not running (a copy holds no lease).
     */
    public void requireRestorableInto(ProjectId intoProject, QueueName intoQueue, Instant now) {
        if (!project.equals(intoProject) || !queue.equals(intoQueue)) {
            throw new domain.InvalidValueException("a restored task belongs to the queue it is restored into");
        }
        if (state == TaskState.RUNNING || lease.isPresent()) {
            throw new domain.InvalidValueException("a restored task holds no lease: a running one is given up first (copiedAt)");
        }
        requireConsistent();
        if (state == TaskState.QUEUED && runAt.isAfter(now)) {
            throw new domain.InvalidValueException("a queued task is due: its runAt is not after now (copiedAt makes it so)");
        }
    }

    /**
     * Fails unless the fields agree as the transitions leave them, whatever a file says: finished
     * exactly when it has a finish time; a waiting task has an attempt left; at most max attempts.
     */
    public void requireConsistent() {
        if (state.isFinished() != finishedAt.isPresent()) {
            throw new domain.InvalidValueException("finishedAt", "a task has a finish time exactly when it succeeded, died or was cancelled");
        }
        if (attempt < 0 || attempt > maxAttempts || state.isWaiting() && attempt >= maxAttempts) {
            throw new domain.InvalidValueException("attempt", "a task's attempt lies from 0 to its max attempts, and below it while it waits");
        }
        if (sequence < 1 || sequence > MAX_SEQUENCE || fencingToken < 0 || fencingToken > MAX_SEQUENCE) {
            throw new domain.InvalidValueException("sequence", "a task's sequence lies from 1 to " + MAX_SEQUENCE
                    + ", its fencing token from 0 to it");
        }
    }

    /**
     * The highest sequence (and fencing token) a task may have: far beyond any queue's, and low enough
     * that Redis's claim order, priority times 10^12 plus sequence, stays exact for every priority.
     */
    public static final long MAX_SEQUENCE = 100_000_000_000L;

    /**
     * Why a worker presenting {@code token} may not change the task now, if it may not: not the
     * current lease, cancelled (a running task whose cancel was requested becomes cancelled here),
     * not running, or the lease passed.
     */
    private Optional<TaskOutcome> refusalFor(LeaseToken token, Instant now) {
        if (lease.isEmpty() || !lease.get().isHeldBy(token)) {
            return Optional.of(new TaskOutcome.StaleLease("the lease token is not the task's current one"));
        }
        if (state == TaskState.CANCELLED) {
            return Optional.of(new TaskOutcome.Cancelled(this));
        }
        if (state != TaskState.RUNNING) {
            return Optional.of(new TaskOutcome.WrongState(state));
        }
        if (lease.get().hasExpiredAt(now)) {
            return Optional.of(new TaskOutcome.StaleLease("the lease expired"));
        }
        if (cancelRequested) {
            Task cancelled = new Task(project, queue, id, payload, TaskState.CANCELLED, attempt, maxAttempts, priority, sequence,
                    runAt, lease, fencingToken, idempotencyKey, progressId, result, lastError, true, createdAt, ms(now),
                    Optional.of(ms(now)));
            return Optional.of(new TaskOutcome.Cancelled(cancelled));
        }
        return Optional.empty();
    }

    private TaskOutcome.Done done(TaskState next, int attempts, Instant nextRunAt, Optional<Lease> nextLease,
            Optional<String> error, boolean cancel, Instant now, Optional<Instant> finished) {
        return new TaskOutcome.Done(new Task(project, queue, id, payload, next, attempts, maxAttempts, priority, sequence, nextRunAt,
                nextLease, fencingToken, idempotencyKey, progressId, result, error, cancel, createdAt, ms(now), finished));
    }

    private static Instant ms(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
