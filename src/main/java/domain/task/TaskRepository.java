package domain.task;

import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The port to the store of task queues: each project's queues, their tasks leased to workers with
 * fencing tokens, retries, dead letters, retention, and a signal when work arrives.
 *
 * <p>Every change of one task is atomic in the store and applies the transitions of {@link Task}.
 * Expired leases are reclaimed lazily, by the claims of the same queue (no global scanner); so are
 * delayed and retrying tasks that came due, and finished tasks past their retention.
 *
 * <p>Idempotent, so safe to retry: {@link #enqueue} and {@link #enqueueAll} with an idempotency key
 * (within its window), {@link #complete} repeated with the same lease, {@link #heartbeat} (a repeat
 * only moves the lease's end to the later call's now plus the extension), {@link #cancel},
 * {@link #redrive} by ids (a redriven task is no longer dead, so a repeat skips it), {@link #saveSettings},
 * and every read. Not idempotent, so never retried blindly: enqueue without a key (a repeat makes a
 * second task), {@link #claim}, {@link #claimAcross} and {@link #completeAndClaim} (a repeat leases other tasks and counts their
 * attempts), {@link #fail} (a repeat finds the task no longer running, and answers WrongState), and
 * {@link #redrive} of all dead letters (a repeat redrives those that died since).
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer, and
 * with {@link domain.InvalidValueException} (before touching the store) for input a rule refuses.
 */
public interface TaskRepository {

    /**
     * Stores a new task, QUEUED or SCHEDULED, unless its idempotency key names a task of the queue
     * enqueued within the window (answered as {@link EnqueueOutcome.Repeated}, also under concurrent
     * enqueues), or the queue already holds its maximum of waiting tasks ({@link EnqueueOutcome.QueueFull}).
     */
    Uni<EnqueueOutcome> enqueue(NewTask task);

    /**
     * Enqueues each task as {@link #enqueue} does, in order, and answers each one's outcome in the
     * same order; tasks of one project and queue are stored in one atomic step.
     */
    Uni<List<EnqueueOutcome>> enqueueAll(List<NewTask> tasks);

    /**
     * Leases up to {@code request.max()} due tasks of the queue: highest priority first, FIFO within
     * a priority. Tasks whose lease expired are reclaimed first (requeued, or dead after their last
     * attempt). Each claimed task gets a new fencing and lease token and counts an attempt.
     */
    Uni<ClaimBatch> claim(ProjectId project, QueueName queue, ClaimRequest request);

    /**
     * Claims from the queue named {@code queue} of each of {@code projects}, round-robin over the
     * projects with work (see {@link FairClaims}).
     */
    Uni<ClaimBatch> claimAcross(List<ProjectId> projects, QueueName queue, ClaimRequest request);

    /**
     * Extends the lease to {@code extendBy} (1 s to 12 h) from now (the queue's default lease when empty). Answers
     * {@link TaskOutcome.Cancelled} once a cancel was requested, and the task is then cancelled.
     */
    Uni<TaskOutcome> heartbeat(TaskRef task, LeaseToken lease, Optional<Duration> extendBy);

    /** Finishes the task as succeeded with {@code result}, kept for the status ttl; refused with a stale lease. */
    Uni<TaskOutcome> complete(TaskRef task, LeaseToken lease, Optional<String> result);

    /**
     * Completes the task as {@link #complete} does and then, only when that answered
     * {@link TaskOutcome.Done}, claims as {@link #claim} does from the same queue, in one atomic step:
     * a worker's loop pays one store call per task. Not idempotent (each call leases other tasks).
     */
    Uni<Handover> completeAndClaim(TaskRef task, LeaseToken lease, Optional<String> result, ClaimRequest next);

    /**
     * Fails the attempt: retried after the queue's backoff, or dead after the last attempt or when
     * not {@code retryable}. The error must follow {@link TaskLimits#error}.
     */
    Uni<TaskOutcome> fail(TaskRef task, LeaseToken lease, String error, boolean retryable);

    /** Cancels a waiting task at once; marks a running one, whose worker learns it on its next call. */
    Uni<TaskOutcome> cancel(TaskRef task);

    /** The task, unless it was never enqueued or its retention passed. */
    Uni<Optional<Task>> find(TaskRef task);

    /**
     * Up to {@code limit} (1 to 1000) tasks of the queue in {@code state} with a sequence above
     * {@code after} (0 for the first page), in enqueue order.
     */
    Uni<TaskPage> list(ProjectId project, QueueName queue, TaskState state, long after, int limit);

    /** The dead letters of the queue, a page at a time, as {@link #list} with {@link TaskState#DEAD}. */
    default Uni<TaskPage> deadLetters(ProjectId project, QueueName queue, long after, int limit) {
        return list(project, queue, TaskState.DEAD, after, limit);
    }

    /**
     * Puts dead letters back in the queue with their attempts reset: those named by {@code ids}
     * (ids that are not dead letters are skipped), or every one when empty. Answers how many.
     */
    Uni<Long> redrive(ProjectId project, QueueName queue, Optional<Set<TaskId>> ids);

    /**
     * The queues of the project that hold a task (waiting, running, or finished within its retention),
     * by name: what an export of the project walks. On Redis it SCANs the keyspace.
     */
    Uni<List<QueueName>> queues(ProjectId project);

    /**
     * The queue's tasks (waiting, running, or finished within their retention), a page of about
     * {@code limit} at a time, for a copy of the store: from the empty cursor, then from each page's
     * {@link TaskBatch#next()} until a page has none. Walked by id, which never changes, so a task
     * present throughout the walk is in some page whatever states it goes through meanwhile; it may be
     * in two (Redis's HSCAN may repeat one): the copy with the later {@code updatedAt} is the newer.
     * Each task is read whole. The cursor is the adapter's own: pass it back unchanged.
     */
    Uni<TaskBatch> walk(ProjectId project, QueueName queue, String cursor, int limit);

    /** What became of one task a {@link #restore} was given. */
    enum Restored {
        /** Stored as it was. */
        STORED,
        /** The queue holds a task of its id: kept as it is. */
        EXISTING,
        /** A finished task whose retention had passed: not stored. */
        EXPIRED
    }

    /**
     * Stores tasks copied from elsewhere (an import) into the queue as they were: state, attempts,
     * priority, run-at, fencing token, result, error, cancel request and times. Answers, in order, what
     * became of each; the tasks are stored in atomic steps (one per call; on Redis one per 200 tasks). A
     * task keeps its sequence unless a task of the queue has it already (then it takes the queue's next),
     * and the queue's sequence goes on after the highest: restored into an empty queue, in any order and
     * any number of calls, every task keeps its own and its place. Its idempotency key
     * names it until its window, counted from its creation, ends (unless the key names another task of
     * the queue). A waiting task may exceed the queue's maximum: a copy is not refused for room.
     *
     * @throws domain.InvalidValueException for a task of another queue, or a RUNNING one: a lease never
     *                                      carries over (see {@link Task#expireLease}, which a copy applies first)
     */
    Uni<List<Restored>> restore(ProjectId project, QueueName queue, List<Task> tasks);

    /** How many tasks the queue holds in each state, and the age of its oldest queued task. */
    Uni<QueueCounts> counts(ProjectId project, QueueName queue);

    /** The queue's settings: those saved for it, else the defaults the adapter was given. */
    Uni<QueueSettings> settings(ProjectId project, QueueName queue);

    /** Saves the queue's settings; they apply to every later change of its tasks. */
    Uni<Void> saveSettings(ProjectId project, QueueName queue, QueueSettings settings);

    /**
     * Signals, from any instance sharing the store, that a task became claimable in the queue
     * (enqueued for now, or redriven). Delivery starts when the returned Uni completes, so "watch,
     * then claim, then wait for a signal" loses no wake-up; signals are at most once otherwise, and
     * a long poll also wakes at the {@link ClaimBatch#nextDueAt()} of its last empty claim. A signal
     * of a change made just before the watch may still come (on a Redis Cluster it crosses the cluster
     * bus after the change answered): a spurious wake-up, after which a claim finds nothing. The
     * caller must subscribe to, and in the end cancel, the stream.
     */
    Uni<Multi<QueueSignal>> watch(ProjectId project, QueueName queue);

    /**
     * Registers the one listener (replacing any before it) of the tasks that upkeep ended with no
     * caller's change of theirs: {@link TaskState#DEAD} when a lease ran out on the last attempt,
     * {@link TaskState#CANCELLED} when a cancelled task's lease ran out. Each such task is told once,
     * by the instance whose call ran the upkeep, after the store committed it and before that call
     * answers; the listener must be quick and thread-safe, and must not call back into the store.
     */
    void onEndedByUpkeep(Consumer<Task> listener);

    /**
     * How long finished tasks are kept (the seed's task status ttl, 24 h) and how long an
     * idempotency key names its task (24 h). Dead letters are kept per queue, see {@link QueueSettings}.
     */
    record Retention(Duration statusTtl, Duration idempotencyWindow) {

        public static final Retention DEFAULT = new Retention(Duration.ofHours(24), Duration.ofHours(24));

        public Retention {
            if (statusTtl.compareTo(Duration.ofSeconds(1)) < 0 || idempotencyWindow.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new domain.InvalidValueException("the task status ttl and idempotency window must be at least 1 second");
            }
        }
    }
}
