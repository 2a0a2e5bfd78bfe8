package application;

import domain.InvalidValueException;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.cache.ValueTooLargeException;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressId;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import domain.task.ClaimBatch;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.LeaseToken;
import domain.task.NewTask;
import domain.task.QueueCounts;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.QueueSignal;
import domain.task.Task;
import domain.task.TaskId;
import domain.task.TaskLimits;
import domain.task.TaskOutcome;
import domain.task.TaskPage;
import domain.task.TaskRef;
import domain.task.TaskRepository;
import domain.task.TaskState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The task queue's use cases. With an API key of scope {@code tasks} on a project: enqueue tasks
 * (one or a batch) into its queues, claim them as a worker (from one project, or fairly across the
 * key's projects), heartbeat, complete, fail and cancel them, read and list them, read a queue's
 * counts and settings, list and redrive its dead letters. With {@code admin} on the project: save a
 * queue's settings.
 *
 * <p>A task id is only ever looked up inside the project (and queue) the caller names and may use,
 * so another project's id answers 404, the same as an id that never existed.
 *
 * <p>Every store call is bounded by the guard {@value Guards#TASKS}; a store that cannot answer
 * gives 503. Only the calls the port names idempotent are tried again after a store failure.
 *
 * <p>A claim may wait up to {@code waitSeconds} for work (long polling): it watches the queue
 * first, then claims, and while it finds nothing waits for a signal that work arrived, for the
 * moment a delayed or retrying task comes due, or for its deadline, whichever is first, and claims
 * again. It never polls the store on a timer and never blocks a thread; the caller going away
 * cancels the wait. A principal may hold a bounded number of waiting claims per instance.
 *
 * <p>A task enqueued with {@code progress} gets a progress operation in its project (id
 * {@code task-...}, which no client may choose): heartbeats record steps on it, a failed attempt
 * that will be retried records an event saying so, and the task's end (succeeded, dead, cancelled)
 * ends the operation.
 */
@Singleton
public class TaskService {

    private static final Logger LOG = Logger.getLogger(TaskService.class);
    /** How often the gauges of the queues seen recently are brought up to date. */
    private static final Duration GAUGE_REFRESH = Duration.ofSeconds(15);
    /**
     * How long past its run-at a task's progress operation waits for a worker before it may expire
     * unchanged (as the task's status is kept): a follower sees a queued task's operation all that time.
     */
    static final Duration PROGRESS_WAIT = Duration.ofHours(24);
    /** How far in the past a run-at may be and still mean "now": the clocks of producers drift. */
    public static final Duration RUN_AT_SKEW = Duration.ofSeconds(5);

    private final TaskRepository tasks;
    private final ProgressRepository progress;
    private final ProgressPolicy progressPolicy;
    private final TaskSettings settings;
    private final Clock clock;
    private final StoreGuard guard;
    private final RequestContexts contexts;
    private final StreamSlots longPolls;
    private final TaskMetrics metrics;
    private final HotPath claiming;
    private final HotPath completing;
    private final HotPath handingOver;
    private final HotPath enqueuing;
    private volatile Cancellable gaugeRefresh;

    @Inject
    public TaskService(TaskRepository tasks, ProgressRepository progress, ProgressPolicy progressPolicy, TaskSettings settings,
            Clock clock, MeterRegistry meters, HotPaths paths, @Identifier(Guards.TASKS) StoreGuard guard, RequestContexts contexts) {
        this.tasks = tasks;
        this.contexts = contexts;
        this.progress = progress;
        this.progressPolicy = progressPolicy;
        this.settings = settings;
        this.clock = clock;
        this.guard = guard;
        this.longPolls = new StreamSlots(settings.longPollsPerPrincipal(), n -> new TooManyLongPollsException(
                "this principal has " + n + " claims waiting for work on this instance, the most it may hold; wait for one to"
                        + " end, or claim without waitSeconds"));
        this.metrics = new TaskMetrics(meters, settings.meteredQueues());
        // A claim's span covers its whole wait; the guard bounds each store call inside it, not the wait.
        this.claiming = paths.of("tasks.claim", null);
        this.completing = paths.of("tasks.complete", guard);
        this.handingOver = paths.of("tasks.complete-and-claim", guard);
        this.enqueuing = paths.of("tasks.enqueue", guard);
        tasks.onEndedByUpkeep(this::endedByUpkeep);
        Gauge.builder("tasks.long.polls", longPolls, StreamSlots::open)
                .description("claims waiting for work on this instance")
                .register(meters);
    }

    /** Starts refreshing the queue gauges at startup. */
    void createdAtStartup(@Observes Startup startup) {
        gaugeRefresh = Multi.createFrom().ticks().every(GAUGE_REFRESH)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> refreshGauges())
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("the task queue gauges stopped refreshing: %s", failure.toString()));
    }

    /**
     * Stops refreshing the queue gauges when the service shuts down: before the container destroys its beans (a
     * singleton is destroyed after the normal-scoped beans it may use), so no refresh runs against a destroyed one.
     */
    void stopAtShutdown(@Observes Shutdown shutdown) {
        Cancellable refresh = gaugeRefresh;
        if (refresh != null) {
            refresh.cancel();
        }
    }

    /** A task a producer submits: what to store, and the total steps of its progress operation, if it wants one. */
    public record Submission(NewTask task, Optional<Long> progressSteps) {
    }

    /** A step a worker reports with its heartbeat. */
    public record Step(String message, long increment) {
    }

    /** A queue's counts by state, the age of its oldest queued task, and its settings. */
    public record QueueInfo(QueueCounts counts, QueueSettings settings) {
    }

    // --- producers

    /**
     * Enqueues one task: {@link EnqueueOutcome.Enqueued} or, for an idempotency key seen within its
     * window, {@link EnqueueOutcome.Repeated}. Fails with {@link QueueFullException} when the queue
     * holds its maximum of waiting tasks, {@link ValueTooLargeException} for a payload over the limit.
     * Span {@code tasks.enqueue}, under the guard, instrumented as the other hot paths are.
     */
    public Uni<EnqueueOutcome> enqueue(Principal caller, ProjectId project, QueueName queue, Submission submission) {
        return enqueuing.call(project, () -> store(caller, project, queue, List.of(submission)).map(outcomes -> {
            EnqueueOutcome outcome = outcomes.get(0);
            if (outcome instanceof EnqueueOutcome.QueueFull full) {
                throw queueFull(project, queue, full.maxQueued());
            }
            return outcome;
        }), null);
    }

    /**
     * Enqueues 1 to 100 tasks in order and answers each one's outcome in the same order; fails with
     * {@link QueueFullException} only when none could be stored for that reason.
     */
    @Measured
    @WithSpan("tasks.enqueue-batch")
    @Guarded(Guards.TASKS)
    public Uni<List<EnqueueOutcome>> enqueueAll(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project,
            QueueName queue, List<Submission> submissions) {
        return Uni.createFrom().deferred(() -> {
            if (submissions.isEmpty() || submissions.size() > TaskLimits.MAX_BATCH) {
                throw new InvalidValueException("tasks", "a batch holds 1 to " + TaskLimits.MAX_BATCH + " tasks");
            }
            return store(caller, project, queue, submissions).map(outcomes -> {
                if (outcomes.stream().allMatch(o -> o instanceof EnqueueOutcome.QueueFull)) {
                    throw queueFull(project, queue, ((EnqueueOutcome.QueueFull) outcomes.get(0)).maxQueued());
                }
                return outcomes;
            });
        });
    }

    private Uni<List<EnqueueOutcome>> store(Principal caller, ProjectId project, QueueName queue, List<Submission> submissions) {
        Access.require(caller, project, Scope.TASKS);
        for (Submission s : submissions) {
            if (!s.task().project().equals(project) || !s.task().queue().equals(queue)) {
                throw new IllegalArgumentException("a submission for another queue: " + s.task().project() + "/" + s.task().queue());
            }
            withinPayloadLimit(s.task().payload());
        }
        Instant now = clock.instant();
        List<NewTask> stored = new ArrayList<>(submissions.size());
        // Lazy: each operation is started below, before its task is stored.
        List<Uni<Boolean>> starts = new ArrayList<>();
        for (Submission s : submissions) {
            if (s.progressSteps().isEmpty()) {
                stored.add(s.task());
                continue;
            }
            ProgressId id = s.task().idempotencyKey().map(key -> progressIdFor(queue, key.value())).orElseGet(ProgressId::forTask);
            Progress operation;
            try {
                operation = progressPolicy.start(project, id, s.progressSteps().get(), "queued", now);
            } catch (InvalidValueException e) {
                throw new InvalidValueException("progress.totalSteps", e.rule());
            }
            starts.add(progress.start(operation, s.task().delay().plus(PROGRESS_WAIT)));
            stored.add(s.task().withProgress(id));
        }
        boolean everyOneKeyed = stored.stream().allMatch(t -> t.idempotencyKey().isPresent());
        // An operation that exists already belongs to a repeat of a keyed task: the same id, started before.
        Uni<Void> started = starts.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(starts).andFailFast().replaceWithVoid();
        return started.chain(() -> everyOneKeyed ? Retries.idempotent(() -> tasks.enqueueAll(stored)) : tasks.enqueueAll(stored))
                .invoke(outcomes -> metrics.enqueued(project, queue,
                        outcomes.stream().filter(o -> o instanceof EnqueueOutcome.Enqueued).count(), clock.instant()));
    }

    /** The progress id of a keyed task: the same for every repeat of the key, so a repeat starts no second operation. */
    private static ProgressId progressIdFor(QueueName queue, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((queue.value() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            return ProgressId.of(ProgressId.TASK_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private void withinPayloadLimit(String json) {
        long bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > settings.payloadMaxBytes()) {
            throw new ValueTooLargeException(bytes, settings.payloadMaxBytes());
        }
    }

    private static QueueFullException queueFull(ProjectId project, QueueName queue, long max) {
        return new QueueFullException("queue " + queue + " of project " + project + " holds " + max
                + " waiting tasks, the most its settings allow; retry once workers have claimed some", max);
    }

    // --- workers

    /**
     * Leases up to {@code request.max()} tasks of the queue, waiting up to {@code wait} for one
     * (0 to the configured max wait); an empty batch when none came. Span {@code tasks.claim}.
     */
    public Uni<ClaimBatch> claim(Principal caller, ProjectId project, QueueName queue, ClaimRequest request, Duration wait) {
        return claiming.call(project, () -> {
            Access.require(caller, project, Scope.TASKS);
            checkWait(wait);
            return waitingFor(caller, List.of(project), queue, () -> guarded(() -> tasks.claim(project, queue, request)), wait)
                    .call(this::claimed);
        }, null);
    }

    /**
     * Leases up to {@code request.max()} tasks from the queue named {@code queue} of every project the
     * key may use with {@code tasks}, round-robin over the projects with work, waiting as
     * {@link #claim} does. Span {@code tasks.claim-across}.
     */
    @Measured
    @WithSpan("tasks.claim-across")
    public Uni<ClaimBatch> claimAcross(Principal caller, QueueName queue, ClaimRequest request, Duration wait) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.TASKS);
            checkWait(wait);
            if (!(caller.projects() instanceof ProjectAccess.Only only)) {
                throw new InvalidValueException("projectId", "this key may use every project, so it has no list to claim across;"
                        + " claim from one project's queue, or use a key limited to its projects");
            }
            List<ProjectId> projects = only.projects().stream().filter(p -> caller.permits(p, Scope.TASKS))
                    .sorted(Comparator.comparing(ProjectId::value)).toList();
            if (projects.isEmpty()) {
                throw new AccessDeniedException("this key may not use tasks on any of its projects");
            }
            return waitingFor(caller, projects, queue, () -> guarded(() -> tasks.claimAcross(projects, queue, request)), wait)
                    .call(this::claimed);
        });
    }

    private void checkWait(Duration wait) {
        if (wait.isNegative() || wait.compareTo(settings.maxWait()) > 0) {
            throw new InvalidValueException("waitSeconds", "waitSeconds must be between 0 and " + settings.maxWait().toSeconds());
        }
    }

    private Uni<Void> claimed(ClaimBatch batch) {
        Instant now = clock.instant();
        List<Uni<Void>> notes = new ArrayList<>();
        for (Task task : batch.tasks()) {
            metrics.claimed(task.project(), task.queue(), 1, now);
            metrics.waitedForClaim(Duration.between(task.runAt(), now));
            if (task.attempt() > 1 && task.progressId().isPresent()) {
                // The previous attempt's worker went silent (or failed): a follower learns the task goes on.
                notes.add(note(task, "attempt " + task.attempt() + " of " + task.maxAttempts() + " started"));
            }
        }
        return notes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(notes).andFailFast().replaceWithVoid();
    }

    /**
     * Claims with {@code claimOnce}, waiting for work up to {@code wait} when it finds none. A queue
     * with work answers the first claim, at the cost of a claim without a wait; only an empty one
     * sets up the wait.
     */
    private Uni<ClaimBatch> waitingFor(Principal caller, List<ProjectId> projects, QueueName queue,
            Supplier<Uni<ClaimBatch>> claimOnce, Duration wait) {
        if (wait.isZero()) {
            return claimOnce.get();
        }
        Instant deadline = clock.instant().plus(wait);
        return claimOnce.get().chain(batch -> batch.isEmpty() ? waitingFor(caller, projects, queue, claimOnce, deadline)
                : Uni.createFrom().item(batch));
    }

    /** Waits for work until {@code deadline}, claiming whenever some may have come. */
    private Uni<ClaimBatch> waitingFor(Principal caller, List<ProjectId> projects, QueueName queue,
            Supplier<Uni<ClaimBatch>> claimOnce, Instant deadline) {
        Runnable slot = longPolls.acquire(caller.name());
        Wakeups wakeups = new Wakeups();
        // Watch first, then claim: work that arrives in between is a signal, not a lost wake-up.
        return guarded(() -> watch(projects, queue))
                .chain(signals -> {
                    Cancellable watching = signals.subscribe().with(signal -> wakeups.signal(), failure -> wakeups.signal());
                    return poll(claimOnce, deadline, wakeups).onTermination().invoke(watching::cancel);
                })
                .onTermination().invoke(slot);
    }

    private Uni<Multi<QueueSignal>> watch(List<ProjectId> projects, QueueName queue) {
        if (projects.size() == 1) {
            return tasks.watch(projects.get(0), queue);
        }
        return Uni.join().all(projects.stream().map(p -> tasks.watch(p, queue)).toList()).andFailFast()
                .map(all -> Multi.createBy().merging().streams(all));
    }

    /** Claims; while nothing comes and time is left, waits for a signal, the next due task or the deadline, and claims again. */
    private Uni<ClaimBatch> poll(Supplier<Uni<ClaimBatch>> claimOnce, Instant deadline, Wakeups wakeups) {
        wakeups.clear();
        return claimOnce.get().chain(batch -> {
            Instant now = clock.instant();
            if (!batch.isEmpty() || !now.isBefore(deadline)) {
                return Uni.createFrom().item(batch);
            }
            Instant until = batch.nextDueAt().filter(due -> due.isBefore(deadline)).orElse(deadline);
            Duration pause = Duration.between(now, until);
            // A wake-up comes from the pub/sub connection or a timer: the claim goes on in its own request's context.
            return contexts.onCaller(wakeups.next(pause.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : pause))
                    .chain(() -> poll(claimOnce, deadline, wakeups));
        });
    }

    /** The wake-ups of one waiting claim: a signal that comes while it claims is kept for its next wait. */
    private static final class Wakeups {
        private final AtomicBoolean pending = new AtomicBoolean();
        private final AtomicReference<UniEmitter<? super Void>> waiting = new AtomicReference<>();

        void signal() {
            pending.set(true);
            UniEmitter<? super Void> emitter = waiting.getAndSet(null);
            if (emitter != null) {
                emitter.complete(null);
            }
        }

        void clear() {
            pending.set(false);
        }

        /** Completes at the next signal (at once if one came since {@link #clear}), or after {@code atMost}. */
        Uni<Void> next(Duration atMost) {
            return Uni.createFrom().<Void>emitter(emitter -> {
                        waiting.set(emitter);
                        emitter.onTermination(() -> waiting.compareAndSet(emitter, null));
                        if (pending.get() && waiting.compareAndSet(emitter, null)) {
                            emitter.complete(null);
                        }
                    })
                    .ifNoItem().after(atMost).recoverWithItem((Void) null);
        }
    }

    /**
     * Extends the task's lease by {@code extendBy} (else the queue's default lease) from now, and
     * records {@code step} on the task's progress operation when both are present. Fails with
     * {@link LeaseLostException} for a stale lease or a cancelled task (the worker must stop).
     */
    @Measured
    @WithSpan("tasks.heartbeat")
    @Guarded(Guards.TASKS)
    public Uni<Task> heartbeat(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, TaskRef ref, LeaseToken lease,
            Optional<Duration> extendBy, Optional<Step> step) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            Optional<ProgressChange.Step> change = step.map(s -> {
                try {
                    return new ProgressChange.Step(s.increment(), progressPolicy.message(s.message()));
                } catch (InvalidValueException e) {
                    throw new InvalidValueException("progress." + e.field(), e.rule());
                }
            });
            return Retries.idempotent(() -> tasks.heartbeat(ref, lease, extendBy))
                    .chain(outcome -> after(ref, outcome))
                    .call(task -> change.isPresent() && task.progressId().isPresent()
                            ? recordIgnoringEnded(task, change.get())
                            : Uni.createFrom().voidItem());
        });
    }

    /**
     * Completes the task with {@code result}; a repeat with the same lease answers the same task.
     * Its progress operation completes. Span {@code tasks.complete}.
     */
    public Uni<Task> complete(Principal caller, TaskRef ref, LeaseToken lease, Optional<String> result) {
        return completing.call(ref.project(), () -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            result.ifPresent(this::withinPayloadLimit);
            return Retries.idempotent(() -> tasks.complete(ref, lease, result))
                    .chain(outcome -> after(ref, outcome))
                    .call(this::succeeded);
        }, null);
    }

    /** A completed task and the tasks its worker leased next in the same step. */
    public record Handed(Task completed, ClaimBatch next) {
    }

    /**
     * Completes the task as {@link #complete} does and, in the same store call, leases up to
     * {@code next.max()} due tasks of its queue as a claim without a wait does: a worker's loop
     * takes one request per task. Refused as {@link #complete} is, and then nothing is claimed.
     * Never retried (a repeat would lease other tasks; those of a lost answer come back after their
     * lease). Span {@code tasks.complete-and-claim}.
     */
    public Uni<Handed> completeAndClaim(Principal caller, TaskRef ref, LeaseToken lease, Optional<String> result,
            ClaimRequest next) {
        return handingOver.call(ref.project(), () -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            result.ifPresent(this::withinPayloadLimit);
            return tasks.completeAndClaim(ref, lease, result, next)
                    .chain(handover -> after(ref, handover.outcome()).map(task -> new Handed(task, handover.next())))
                    .call(handed -> succeeded(handed.completed()))
                    .call(handed -> claimed(handed.next()));
        }, null);
    }

    /** Counts a succeeded task and completes its progress operation. */
    private Uni<Void> succeeded(Task task) {
        Instant now = clock.instant();
        metrics.completed(task.project(), task.queue(), now);
        metrics.ran(Duration.between(task.runAt(), task.finishedAt().orElse(now)));
        return task.progressId().isPresent() ? recordIgnoringEnded(task, new ProgressChange.Complete("task succeeded"))
                : Uni.createFrom().voidItem();
    }

    /**
     * Fails the task's attempt: retried after the queue's backoff, or dead after its last attempt or
     * when not {@code retryable}. Never retried after a store failure (a repeat would find the task no
     * longer running). The progress operation records the retry, or fails with the task.
     */
    @Measured
    @WithSpan("tasks.fail")
    @Guarded(Guards.TASKS)
    public Uni<Task> fail(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, TaskRef ref, LeaseToken lease,
            String error, boolean retryable) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            TaskLimits.error(error);
            return tasks.fail(ref, lease, error, retryable)
                    .chain(outcome -> after(ref, outcome))
                    .call(task -> {
                        Instant now = clock.instant();
                        if (task.state() == TaskState.DEAD) {
                            metrics.dead(task.project(), task.queue(), now);
                            return besideTheTask(task, new ProgressChange.Fail(bounded("task failed: " + error)));
                        }
                        metrics.failed(task.project(), task.queue(), now);
                        return note(task, "attempt " + task.attempt() + " of " + task.maxAttempts() + " failed, retry at "
                                + task.runAt() + ": " + error);
                    });
        });
    }

    /**
     * Cancels the task: a waiting one at once (its progress operation fails as cancelled), a running
     * one is marked and its worker learns it on its next call. 409 for a task that succeeded or died.
     */
    @Measured
    @WithSpan("tasks.cancel")
    @Guarded(Guards.TASKS)
    public Uni<Task> cancel(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, TaskRef ref) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            return Retries.idempotent(() -> tasks.cancel(ref))
                    .chain(outcome -> {
                        if (outcome instanceof TaskOutcome.WrongState wrong) {
                            return Uni.createFrom().failure(new ConflictException("task " + ref.id() + " is " + wrong.state()
                                    + "; only a waiting or running task can be cancelled"));
                        }
                        return after(ref, outcome);
                    })
                    .call(task -> task.state() == TaskState.CANCELLED && task.progressId().isPresent()
                            ? recordIgnoringEnded(task, new ProgressChange.Fail("task cancelled"))
                            : Uni.createFrom().voidItem());
        });
    }

    // --- reads

    /** The task, from the caller's project only: 404 for another project's id, as for one that never existed. */
    @Measured
    @WithSpan("tasks.read")
    @Guarded(Guards.TASKS)
    public Uni<Task> find(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, TaskRef ref) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, ref.project(), Scope.TASKS);
            return Retries.idempotent(() -> tasks.find(ref))
                    .map(found -> found.orElseThrow(() -> noSuchTask(ref)));
        });
    }

    /** A page of the queue's tasks in {@code state}, after the cursor {@code after} (0 for the first), in enqueue order. */
    @Measured
    @WithSpan("tasks.list")
    @Guarded(Guards.TASKS)
    public Uni<TaskPage> list(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, QueueName queue, TaskState state,
            long after, int limit) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.TASKS);
            TaskLimits.page(limit);
            return Retries.idempotent(() -> tasks.list(project, queue, state, after, limit));
        });
    }

    /** The queue's counts by state, the age of its oldest queued task, and its settings. */
    @Measured
    @WithSpan("tasks.queue")
    @Guarded(Guards.TASKS)
    public Uni<QueueInfo> queue(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, QueueName queue) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.TASKS);
            return Uni.combine().all().unis(Retries.idempotent(() -> tasks.counts(project, queue)),
                            Retries.idempotent(() -> tasks.settings(project, queue)))
                    .asTuple()
                    .map(both -> new QueueInfo(both.getItem1(), both.getItem2()))
                    .invoke(info -> metrics.counted(project, queue, info.counts(), clock.instant()));
        });
    }

    /**
     * Saves the queue's settings (scope {@code admin} on the project). Rule: {@code maxQueued} at
     * most the deployment's bound, so no project can hold more than the operator planned for.
     */
    @Measured
    @WithSpan("tasks.save-queue")
    @Guarded(Guards.TASKS)
    public Uni<QueueSettings> saveSettings(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, QueueName queue,
            QueueSettings saved) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.ADMIN);
            long bound = settings.queueDefaults().maxQueued();
            if (saved.maxQueued() > bound) {
                throw new InvalidValueException("maxQueued", "maxQueued must be between 1 and " + bound
                        + " (cache-domain.tasks.max-queued)");
            }
            return Retries.idempotent(() -> tasks.saveSettings(project, queue, saved)).replaceWith(saved);
        });
    }

    /** The deployment's settings of a queue that has none saved. */
    public QueueSettings queueDefaults() {
        return settings.queueDefaults();
    }

    /** The longest a claim may wait for work. */
    public Duration maxWait() {
        return settings.maxWait();
    }

    /** The largest payload or result, in bytes. */
    public long payloadMaxBytes() {
        return settings.payloadMaxBytes();
    }

    /** A page of the queue's dead letters. */
    @Measured
    @WithSpan("tasks.dead-letters")
    @Guarded(Guards.TASKS)
    public Uni<TaskPage> deadLetters(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, QueueName queue, long after,
            int limit) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.TASKS);
            TaskLimits.page(limit);
            return Retries.idempotent(() -> tasks.deadLetters(project, queue, after, limit));
        });
    }

    /** Puts dead letters back in the queue with their attempts reset, those named or all; answers how many. */
    @Measured
    @WithSpan("tasks.redrive")
    @Guarded(Guards.TASKS)
    public Uni<Long> redrive(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, QueueName queue,
            Optional<Set<TaskId>> ids) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.TASKS);
            Uni<Long> redriven = ids.isPresent() ? Retries.idempotent(() -> tasks.redrive(project, queue, ids))
                    : tasks.redrive(project, queue, ids);
            return redriven.invoke(n -> metrics.redriven(project, queue, n, clock.instant()));
        });
    }

    // --- outcomes and progress

    /** The task after a change, or the failure its refusal stands for. */
    private Uni<Task> after(TaskRef ref, TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Done done) {
            return Uni.createFrom().item(done.task());
        }
        if (outcome instanceof TaskOutcome.StaleLease stale) {
            return Uni.createFrom().failure(LeaseLostException.stale(stale.reason()));
        }
        if (outcome instanceof TaskOutcome.Cancelled cancelled) {
            Task task = cancelled.task();
            Uni<Void> ended = task.progressId().isPresent() ? recordIgnoringEnded(task, new ProgressChange.Fail("task cancelled"))
                    : Uni.createFrom().voidItem();
            return ended.onFailure().recoverWithNull().chain(() -> Uni.createFrom().failure(LeaseLostException.cancelled(ref.id().value())));
        }
        if (outcome instanceof TaskOutcome.WrongState wrong) {
            return Uni.createFrom().failure(new ConflictException("task " + ref.id() + " is " + wrong.state()
                    + ", not RUNNING; this lease can no longer change it"));
        }
        return Uni.createFrom().failure(noSuchTask(ref));
    }

    /**
     * A task the store's upkeep ended while serving some call (its lease ran out on the last attempt,
     * or after a cancel): counted as dead like one that failed, and its progress operation fails, so
     * a browser following it learns the end. Off the caller's path: the call that ran the upkeep does
     * not wait for the progress store.
     */
    private void endedByUpkeep(Task task) {
        if (task.state() == TaskState.DEAD) {
            metrics.dead(task.project(), task.queue(), clock.instant());
        }
        String why = task.state() == TaskState.DEAD ? "task dead: " + task.lastError().orElse("its last lease ran out")
                : "task cancelled";
        besideTheTask(task, new ProgressChange.Fail(bounded(why))).subscribe().with(done -> {
        }, failure -> LOG.debugf("the progress of task %s missed its end: %s", task.id(), failure.toString()));
    }

    /** Records a change on the task's operation; one that expired or ended already is left as it is. */
    private Uni<Void> recordIgnoringEnded(Task task, ProgressChange change) {
        return progress.record(task.project(), task.progressId().orElseThrow(), change).replaceWithVoid();
    }

    /** Records {@code message} on the task's operation, if it has one, without failing the answer. */
    private Uni<Void> note(Task task, String message) {
        return besideTheTask(task, new ProgressChange.Note(bounded(message)));
    }

    /**
     * Records {@code change} on the task's operation, if it has one. The task's own change is stored
     * already and may not be repeated (a failed attempt, a claim), so a progress store failure is
     * logged, not answered: the operation misses one event.
     */
    private Uni<Void> besideTheTask(Task task, ProgressChange change) {
        if (task.progressId().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return recordIgnoringEnded(task, change).onFailure().recoverWithUni(failure -> {
            LOG.debugf("the progress of task %s missed an event: %s", task.id(), failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private String bounded(String message) {
        int max = progressPolicy.maxMessageLength();
        return message.length() <= max ? message : message.substring(0, max - 1) + "…";
    }

    /** Brings the depth and oldest-age gauges of the queues seen recently up to date, one queue at a time. */
    private Uni<Void> refreshGauges() {
        Instant now = clock.instant();
        return Multi.createFrom().iterable(metrics.recent(now))
                .onItem().transformToUniAndConcatenate(queue -> guarded(() -> tasks.counts(queue.getKey(), queue.getValue()))
                        .invoke(counts -> metrics.counted(queue.getKey(), queue.getValue(), counts, clock.instant()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    private <T> Uni<T> guarded(Supplier<Uni<T>> action) {
        return guard.get(action);
    }

    private static NoSuchObjectException noSuchTask(TaskRef ref) {
        return new NoSuchObjectException("no task " + ref.id() + " in queue " + ref.queue() + " of project " + ref.project());
    }
}
