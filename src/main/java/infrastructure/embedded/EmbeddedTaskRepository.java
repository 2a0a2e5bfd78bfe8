package infrastructure.embedded;

import domain.Secrets;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import domain.task.ClaimBatch;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.FairClaims;
import domain.task.Handover;
import domain.task.IdempotencyKey;
import domain.task.Lease;
import domain.task.LeaseToken;
import domain.task.NewTask;
import domain.task.Priority;
import domain.task.QueueCounts;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.QueueSignal;
import domain.task.RetryPolicy;
import domain.task.Task;
import domain.task.TaskBatch;
import domain.task.TaskId;
import domain.task.TaskLimits;
import domain.task.TaskOutcome;
import domain.task.TaskPage;
import domain.task.TaskRef;
import domain.task.TaskRepository;
import domain.task.TaskState;
import infrastructure.memory.QueueWatchers;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The task port in the embedded store: a row per task, changed only by the transitions of {@link Task}
 * on the store's one writer, a row per queue (its settings, sequence and number of waiting tasks),
 * and a row per idempotency key; watchers are this process's subscribers, told once a write committed.
 *
 * <p>Every operation on a queue is one write that first brings the queue up to date at the clock's
 * now, as the in-memory store and the Redis scripts do: expired leases are reclaimed and due tasks
 * promoted, at most {@value #CATCH_UP_BATCH} per call in the order they came due (what is left waits
 * for the next call).
 * Finished tasks past their retention and idempotency keys past their window are left out of every
 * read and deleted by the store's sweep, which also reclaims the expired leases of queues nobody
 * touches any more (as the in-memory store's sweeper does), so their listener still hears of them.
 */
public final class EmbeddedTaskRepository implements TaskRepository {

    private static final Logger LOG = Logger.getLogger(EmbeddedTaskRepository.class);
    /** Leases reclaimed and tasks promoted by one call's upkeep at most, as the Redis scripts bound theirs. */
    static final int CATCH_UP_BATCH = 1000;
    /** Rows one sweep write deletes or reclaims at most. */
    private static final int SWEEP_BATCH = 500;

    /** A task's columns, in the order {@code bind} binds them; read back by name. */
    private static final List<String> TASK_COLUMNS = List.of("project", "queue", "id", "payload", "state", "attempt",
            "max_attempts", "priority", "seq", "run_at", "lease_token", "lease_expires_at", "fencing", "idempotency_key",
            "progress_id", "result", "last_error", "cancel_requested", "created_at", "updated_at", "finished_at", "wake_at",
            "expires_at");
    private static final String COLUMNS = String.join(", ", TASK_COLUMNS);
    private static final String UPSERT = "INSERT INTO tasks (" + COLUMNS + ") VALUES ("
            + TASK_COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT (project, queue, id) DO UPDATE SET "
            + TASK_COLUMNS.stream().skip(3).map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));
    /** Leaves out finished tasks whose retention passed (the sweep deletes them later); binds now. */
    private static final String KEPT = "(expires_at IS NULL OR expires_at > ?)";

    private final EmbeddedDatabase db;
    private final Clock clock;
    private final Retention retention;
    private final QueueSettings defaults;
    private final DoubleSupplier jitter;
    private final QueueWatchers watchers = new QueueWatchers();
    private final FairClaims fairness = new FairClaims();
    /** Told of each task that upkeep ended (see {@link #onEndedByUpkeep}). */
    private volatile Consumer<Task> endedByUpkeep = task -> {
    };

    public EmbeddedTaskRepository(EmbeddedDatabase db, Clock clock, Retention retention, QueueSettings defaults) {
        this(db, clock, retention, defaults, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With {@code jitter} giving the retry jitter in [0, 1) (see {@link RetryPolicy}). */
    public EmbeddedTaskRepository(EmbeddedDatabase db, Clock clock, Retention retention, QueueSettings defaults,
            DoubleSupplier jitter) {
        this.db = db;
        this.clock = clock;
        this.retention = retention;
        this.defaults = defaults;
        this.jitter = jitter;
        // task_queues rows do not expire: they hold settings an operator saved (kept until changed, as
        // on Redis) and the sequence that orders the queue's tasks; one small row per queue ever used.
        db.define("""
                CREATE TABLE IF NOT EXISTS task_queues (
                    project TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    seq INTEGER NOT NULL DEFAULT 0,
                    waiting INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER,
                    min_delay_ms INTEGER,
                    max_delay_ms INTEGER,
                    lease_ms INTEGER,
                    max_queued INTEGER,
                    dead_letter_ms INTEGER,
                    PRIMARY KEY (project, queue)
                ) WITHOUT ROWID""", """
                CREATE TABLE IF NOT EXISTS tasks (
                    project TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    id TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    max_attempts INTEGER NOT NULL,
                    priority INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    run_at INTEGER NOT NULL,
                    lease_token TEXT,
                    lease_expires_at INTEGER,
                    fencing INTEGER NOT NULL,
                    idempotency_key TEXT,
                    progress_id TEXT,
                    result TEXT,
                    last_error TEXT,
                    cancel_requested INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    wake_at INTEGER,
                    expires_at INTEGER,
                    PRIMARY KEY (project, queue, id)
                )""",
                // Claim order: highest priority first, FIFO within one.
                "CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (project, queue, priority DESC, seq) WHERE state = 'QUEUED'",
                // Listing and counting by state; with the end of retention, so that counts never read the rows.
                "CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (project, queue, state, seq, expires_at)",
                // wake_at: the run-at of a scheduled or retrying task, the lease end of a running one.
                "CREATE INDEX IF NOT EXISTS tasks_wake ON tasks (project, queue, wake_at) WHERE wake_at IS NOT NULL",
                "CREATE INDEX IF NOT EXISTS tasks_leases ON tasks (wake_at) WHERE state = 'RUNNING'",
                "CREATE INDEX IF NOT EXISTS tasks_expiry ON tasks (expires_at) WHERE expires_at IS NOT NULL", """
                CREATE TABLE IF NOT EXISTS task_idempotency (
                    project TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    key TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (project, queue, key)
                )""",
                "CREATE INDEX IF NOT EXISTS task_idempotency_expiry ON task_idempotency (expires_at)");
        db.sweepEvery(SWEEP_BATCH, c -> deleteExpired(c, "tasks"));
        db.sweepEvery(SWEEP_BATCH, c -> deleteExpired(c, "task_idempotency"));
        db.sweepEvery(SWEEP_BATCH, this::reclaimExpiredLeases, Reclaimed::count, reclaimed -> reclaimed.ended().forEach(this::tellEnded));
    }

    // --- one write: the queues it touched, what its upkeep ended, the queues to signal

    private record QueueKey(ProjectId project, QueueName queue) {
    }

    /** One queue as a write sees it; its sequence and waiting count are saved when the write ends. */
    private static final class Queue {
        final ProjectId project;
        final QueueName name;
        QueueSettings settings;
        long sequence;
        long waiting;
        boolean dirty;

        Queue(ProjectId project, QueueName name, QueueSettings settings, long sequence, long waiting) {
            this.project = project;
            this.name = name;
            this.settings = settings;
            this.sequence = sequence;
            this.waiting = waiting;
        }

        long nextSequence() {
            dirty = true;
            return ++sequence;
        }
    }

    /** What a write answers with what to do once it committed. */
    private record Committed<T>(T answer, List<Task> ended, Set<QueueKey> signals) {
    }

    /** How many expired leases one sweep write reclaimed, and the tasks that ended. */
    private record Reclaimed(int count, List<Task> ended) {
    }

    /** The state of one write on the writer's connection, at one moment. */
    private final class Step {
        final Connection c;
        final Instant now;
        final Map<QueueKey, Queue> queues = new LinkedHashMap<>();
        final List<Task> ended = new ArrayList<>();
        final Set<QueueKey> signals = new LinkedHashSet<>();

        Step(Connection c, Instant now) {
            this.c = c;
            this.now = now;
        }

        /** The queue, brought up to date at now the first time this write touches it. */
        Queue queue(ProjectId project, QueueName name) throws SQLException {
            QueueKey key = new QueueKey(project, name);
            Queue queue = queues.get(key);
            if (queue == null) {
                queue = load(project, name);
                queues.put(key, queue);
                catchUp(queue);
            }
            return queue;
        }

        /** The queue as stored, not caught up (the lease sweep reclaims row by row). */
        Queue loaded(ProjectId project, QueueName name) throws SQLException {
            QueueKey key = new QueueKey(project, name);
            Queue queue = queues.get(key);
            if (queue == null) {
                queue = load(project, name);
                queues.put(key, queue);
            }
            return queue;
        }

        private Queue load(ProjectId project, QueueName name) throws SQLException {
            try (PreparedStatement select = c.prepareStatement("SELECT seq, waiting, max_attempts, min_delay_ms, max_delay_ms, "
                    + "lease_ms, max_queued, dead_letter_ms FROM task_queues WHERE project = ? AND queue = ?")) {
                select.setString(1, project.value());
                select.setString(2, name.value());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return new Queue(project, name, defaults, 0, 0);
                    }
                    return new Queue(project, name, settingsOf(row), row.getLong("seq"), row.getLong("waiting"));
                }
            }
        }

        /** Reclaims expired leases and promotes due tasks (Task.expireLease, Task.promote), as many as one batch. */
        private void catchUp(Queue queue) throws SQLException {
            List<Task> due;
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tasks WHERE project = ? AND queue = ? AND wake_at <= ? ORDER BY wake_at LIMIT " + CATCH_UP_BATCH)) {
                select.setString(1, queue.project.value());
                select.setString(2, queue.name.value());
                select.setLong(3, now.toEpochMilli());
                due = tasks(select);
            }
            for (Task task : due) {
                if (task.hasLeaseExpiredAt(now)) {
                    reclaim(queue, task);
                } else if (task.state() != TaskState.QUEUED && task.isDueAt(now)) {
                    store(queue, task, applied(task.promote(now)));
                }
            }
        }

        /** Takes back a task whose lease passed; one that this ends is told to the listener after the commit. */
        void reclaim(Queue queue, Task expired) throws SQLException {
            Task after = applied(expired.expireLease(now));
            store(queue, expired, after);
            if (after.state() != TaskState.QUEUED) {
                ended.add(after);
            }
        }

        /** Writes {@code after} over {@code before} (null for a new task), keeping the queue's waiting count. */
        void store(Queue queue, Task before, Task after) throws SQLException {
            long change = (after.state().isWaiting() ? 1 : 0) - (before != null && before.state().isWaiting() ? 1 : 0);
            if (change != 0) {
                queue.waiting += change;
                queue.dirty = true;
            }
            try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
                bind(upsert, after, queue.settings);
                upsert.executeUpdate();
            }
        }

        /** The task, unless it is not in the queue or its retention passed. */
        Task find(TaskRef ref) throws SQLException {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tasks WHERE project = ? AND queue = ? AND id = ? AND " + KEPT)) {
                select.setString(1, ref.project().value());
                select.setString(2, ref.queue().value());
                select.setString(3, ref.id().value());
                select.setLong(4, now.toEpochMilli());
                List<Task> found = tasks(select);
                return found.isEmpty() ? null : found.get(0);
            }
        }

        void signal(Queue queue) {
            signals.add(new QueueKey(queue.project, queue.name));
        }

        /** Saves the sequence and waiting count of every queue this write changed. */
        void finish() throws SQLException {
            for (Queue queue : queues.values()) {
                if (!queue.dirty) {
                    continue;
                }
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO task_queues (project, queue, seq, waiting) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (project, queue) DO UPDATE SET seq = excluded.seq, waiting = excluded.waiting")) {
                    upsert.setString(1, queue.project.value());
                    upsert.setString(2, queue.name.value());
                    upsert.setLong(3, queue.sequence);
                    upsert.setLong(4, queue.waiting);
                    upsert.executeUpdate();
                }
            }
        }
    }

    /** One step of work in one write. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Step step) throws SQLException;
    }

    /**
     * Runs {@code work} as one write at the clock's now (read on the writer, so writes see their
     * moments in order); once committed, tells the listener of what upkeep ended and the watchers of
     * queues that got claimable tasks, then answers.
     */
    private <T> Uni<T> write(Work<T> work) {
        return db.write(c -> {
            Step step = new Step(c, clock.instant());
            T answer = work.run(step);
            step.finish();
            return new Committed<>(answer, step.ended, step.signals);
        }, this::afterCommit).map(Committed::answer);
    }

    private void afterCommit(Committed<?> committed) {
        committed.ended().forEach(this::tellEnded);
        committed.signals().forEach(key -> watchers.signal(key.project(), key.queue()));
    }

    private void tellEnded(Task task) {
        try {
            endedByUpkeep.accept(task);
        } catch (RuntimeException e) {
            LOG.warnf(e, "the listener of tasks ended by upkeep failed on task %s", task.id());
        }
    }

    @Override
    public void onEndedByUpkeep(Consumer<Task> listener) {
        endedByUpkeep = listener;
    }

    private static Task applied(TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Done done) {
            return done.task();
        }
        throw new IllegalStateException("a transition the queue chose by state was refused: " + outcome);
    }

    // --- enqueue

    @Override
    public Uni<EnqueueOutcome> enqueue(NewTask task) {
        return enqueueAll(List.of(task)).map(outcomes -> outcomes.get(0));
    }

    @Override
    public Uni<List<EnqueueOutcome>> enqueueAll(List<NewTask> tasks) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return write(step -> {
            List<EnqueueOutcome> outcomes = new ArrayList<>(tasks.size());
            for (NewTask task : tasks) {
                Queue queue = step.queue(task.project(), task.queue());
                EnqueueOutcome outcome = enqueueInto(step, queue, task);
                outcomes.add(outcome);
                if (outcome instanceof EnqueueOutcome.Enqueued e && e.task().state() == TaskState.QUEUED) {
                    step.signal(queue);
                }
            }
            return outcomes;
        });
    }

    private EnqueueOutcome enqueueInto(Step step, Queue queue, NewTask request) throws SQLException {
        if (request.idempotencyKey().isPresent()) {
            Optional<Task> known = remembered(step, queue, request.idempotencyKey().get());
            if (known.isPresent()) {
                return new EnqueueOutcome.Repeated(known.get());
            }
        }
        if (queue.waiting >= queue.settings.maxQueued()) {
            return new EnqueueOutcome.QueueFull(queue.settings.maxQueued());
        }
        Task task = Task.enqueue(request, TaskId.generate(step.now), queue.nextSequence(), queue.settings, step.now);
        step.store(queue, null, task);
        if (request.idempotencyKey().isPresent()) {
            remember(step, queue, request.idempotencyKey().get(), task.id(), step.now.plus(retention.idempotencyWindow()));
        }
        return new EnqueueOutcome.Enqueued(task);
    }

    /** Remembers that the key names the task until {@code until}. */
    private static void remember(Step step, Queue queue, IdempotencyKey key, TaskId task, Instant until) throws SQLException {
        try (PreparedStatement remember = step.c.prepareStatement("INSERT INTO task_idempotency (project, queue, key, task_id, "
                + "expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (project, queue, key) DO UPDATE SET task_id = excluded.task_id, "
                + "expires_at = excluded.expires_at")) {
            remember.setString(1, queue.project.value());
            remember.setString(2, queue.name.value());
            remember.setString(3, key.value());
            remember.setString(4, task.value());
            remember.setLong(5, until.toEpochMilli());
            remember.executeUpdate();
        }
    }

    // --- copies (import)

    @Override
    public Uni<List<QueueName>> queues(ProjectId project) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT queue FROM tasks WHERE project = ? AND " + KEPT
                    + " ORDER BY queue")) {
                select.setString(1, project.value());
                select.setLong(2, clock.millis());
                List<QueueName> names = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        names.add(QueueName.of(rows.getString(1)));
                    }
                }
                return names;
            }
        });
    }

    /** By id (the primary key), the cursor the last id read. */
    @Override
    public Uni<TaskBatch> walk(ProjectId project, QueueName name, String cursor, int limit) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tasks WHERE project = ? AND queue = ? AND id > ? AND " + KEPT + " ORDER BY id LIMIT ?")) {
                select.setString(1, project.value());
                select.setString(2, name.value());
                select.setString(3, cursor);
                select.setLong(4, clock.millis());
                select.setInt(5, limit);
                List<Task> page = tasks(select);
                return new TaskBatch(page, page.size() < limit ? Optional.empty()
                        : Optional.of(page.get(page.size() - 1).id().value()));
            }
        });
    }

    /** True when a task of the queue has that sequence (one probe of the state index per state). */
    private static boolean sequenceTaken(Step step, Queue queue, long sequence) throws SQLException {
        try (PreparedStatement select = step.c.prepareStatement("SELECT 1 FROM tasks WHERE project = ? AND queue = ? AND state IN "
                + "('QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DEAD', 'CANCELLED') AND seq = ? LIMIT 1")) {
            select.setString(1, queue.project.value());
            select.setString(2, queue.name.value());
            select.setLong(3, sequence);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    @Override
    public Uni<List<Restored>> restore(ProjectId project, QueueName name, List<Task> copies) {
        if (copies.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return write(step -> {
            for (Task task : copies) {
                task.requireRestorableInto(project, name, step.now);
            }
            Queue queue = step.queue(project, name);
            List<Restored> outcomes = new ArrayList<>(copies.size());
            for (Task copy : copies) {
                if (step.find(copy.ref()) != null) {
                    outcomes.add(Restored.EXISTING);
                    continue;
                }
                Optional<Instant> kept = copy.keptUntil(retention.statusTtl(), queue.settings.deadLetterRetention());
                if (kept.isPresent() && !kept.get().isAfter(step.now)) {
                    outcomes.add(Restored.EXPIRED);
                    continue;
                }
                long sequence = sequenceTaken(step, queue, copy.sequence()) ? queue.nextSequence() : copy.sequence();
                if (sequence > queue.sequence) {
                    queue.sequence = sequence;
                    queue.dirty = true;
                }
                Task task = copy.withSequence(sequence);
                step.store(queue, null, task);
                if (task.idempotencyKey().isPresent()) {
                    Instant until = task.createdAt().plus(retention.idempotencyWindow());
                    if (until.isAfter(step.now) && remembered(step, queue, task.idempotencyKey().get()).isEmpty()) {
                        remember(step, queue, task.idempotencyKey().get(), task.id(), until);
                    }
                }
                if (task.isDueAt(step.now)) {
                    step.signal(queue);
                }
                outcomes.add(Restored.STORED);
            }
            return outcomes;
        });
    }

    /** The task the key names, while its window lasts and the task is still kept. */
    private static Optional<Task> remembered(Step step, Queue queue, IdempotencyKey key) throws SQLException {
        try (PreparedStatement select = step.c.prepareStatement(
                "SELECT task_id FROM task_idempotency WHERE project = ? AND queue = ? AND key = ? AND expires_at > ?")) {
            select.setString(1, queue.project.value());
            select.setString(2, queue.name.value());
            select.setString(3, key.value());
            select.setLong(4, step.now.toEpochMilli());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.ofNullable(step.find(TaskRef.of(queue.project, queue.name, TaskId.of(row.getString(1)))));
            }
        }
    }

    // --- claims

    @Override
    public Uni<ClaimBatch> claim(ProjectId project, QueueName name, ClaimRequest request) {
        return write(step -> claimFrom(step, step.queue(project, name), request));
    }

    private static ClaimBatch claimFrom(Step step, Queue queue, ClaimRequest request) throws SQLException {
        Duration lease = request.lease().orElse(queue.settings.defaultLease());
        String tokenBase = Secrets.randomUrlSafe(12);
        List<Task> ready;
        try (PreparedStatement select = step.c.prepareStatement("SELECT " + COLUMNS
                + " FROM tasks WHERE project = ? AND queue = ? AND state = 'QUEUED' ORDER BY priority DESC, seq LIMIT ?")) {
            select.setString(1, queue.project.value());
            select.setString(2, queue.name.value());
            select.setInt(3, request.max());
            ready = tasks(select);
        }
        List<Task> claimed = new ArrayList<>(ready.size());
        for (Task next : ready) {
            // The claim's random base and the task's place in the claim, as task_claim.lua: a token of its own per task.
            Task running = applied(next.claim(step.now, lease, tokenBase + claimed.size()));
            step.store(queue, next, running);
            claimed.add(running);
        }
        return new ClaimBatch(claimed, claimed.isEmpty() ? nextDue(step, queue) : Optional.empty());
    }

    /** The earliest run-at of a scheduled or retrying task, or lease end of a running one. */
    private static Optional<Instant> nextDue(Step step, Queue queue) throws SQLException {
        try (PreparedStatement select = step.c.prepareStatement(
                "SELECT min(wake_at) FROM tasks WHERE project = ? AND queue = ? AND wake_at IS NOT NULL")) {
            select.setString(1, queue.project.value());
            select.setString(2, queue.name.value());
            try (ResultSet row = select.executeQuery()) {
                long at = row.next() ? row.getLong(1) : 0;
                return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
            }
        }
    }

    @Override
    public Uni<ClaimBatch> claimAcross(List<ProjectId> projects, QueueName queue, ClaimRequest request) {
        return fairness.claim(projects, request, (project, share) -> claim(project, queue, share));
    }

    // --- changes of one task

    /** A transition of one task, given its queue (for the settings) and the moment. */
    private interface Transition {
        TaskOutcome apply(Task task, Queue queue, Instant now);
    }

    @Override
    public Uni<TaskOutcome> heartbeat(TaskRef ref, LeaseToken lease, Optional<Duration> extendBy) {
        return change(ref, (task, queue, now) -> task.heartbeat(lease, extendBy.orElse(queue.settings.defaultLease()), now));
    }

    @Override
    public Uni<TaskOutcome> complete(TaskRef ref, LeaseToken lease, Optional<String> result) {
        return change(ref, (task, queue, now) -> task.complete(lease, result, now));
    }

    @Override
    public Uni<Handover> completeAndClaim(TaskRef ref, LeaseToken lease, Optional<String> result, ClaimRequest next) {
        return write(step -> {
            Queue queue = step.queue(ref.project(), ref.queue());
            TaskOutcome outcome = changeIn(step, queue, ref, (task, q, at) -> task.complete(lease, result, at));
            return new Handover(outcome, outcome instanceof TaskOutcome.Done ? claimFrom(step, queue, next)
                    : ClaimBatch.empty(Optional.empty()));
        });
    }

    @Override
    public Uni<TaskOutcome> fail(TaskRef ref, LeaseToken lease, String error, boolean retryable) {
        return change(ref, (task, queue, now) -> task.fail(lease, error, retryable, queue.settings.retry(), jitter.getAsDouble(), now));
    }

    @Override
    public Uni<TaskOutcome> cancel(TaskRef ref) {
        return change(ref, (task, queue, now) -> task.cancel(now));
    }

    private Uni<TaskOutcome> change(TaskRef ref, Transition transition) {
        return write(step -> changeIn(step, step.queue(ref.project(), ref.queue()), ref, transition));
    }

    private static TaskOutcome changeIn(Step step, Queue queue, TaskRef ref, Transition transition) throws SQLException {
        Task task = step.find(ref);
        if (task == null) {
            return new TaskOutcome.NotFound();
        }
        TaskOutcome outcome = transition.apply(task, queue, step.now);
        Task after = outcome instanceof TaskOutcome.Done done ? done.task()
                : outcome instanceof TaskOutcome.Cancelled cancelled ? cancelled.task() : task;
        if (!after.equals(task)) {
            step.store(queue, task, after);
        }
        return outcome;
    }

    // --- reads, each after the queue's upkeep (so a read may end tasks, and tell of them)

    @Override
    public Uni<Optional<Task>> find(TaskRef ref) {
        return write(step -> {
            step.queue(ref.project(), ref.queue());
            return Optional.ofNullable(step.find(ref));
        });
    }

    @Override
    public Uni<TaskPage> list(ProjectId project, QueueName name, TaskState state, long after, int limit) {
        return Uni.createFrom().deferred(() -> {
            TaskLimits.page(limit);
            return write(step -> {
                step.queue(project, name);
                try (PreparedStatement select = step.c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE project = ? "
                        + "AND queue = ? AND state = ? AND seq > ? AND " + KEPT + " ORDER BY seq LIMIT ?")) {
                    select.setString(1, project.value());
                    select.setString(2, name.value());
                    select.setString(3, state.name());
                    select.setLong(4, after);
                    select.setLong(5, step.now.toEpochMilli());
                    select.setInt(6, limit + 1);
                    List<Task> items = tasks(select);
                    if (items.size() <= limit) {
                        return new TaskPage(items, Optional.empty());
                    }
                    List<Task> page = items.subList(0, limit);
                    return new TaskPage(page, Optional.of(page.get(limit - 1).sequence()));
                }
            });
        });
    }

    @Override
    public Uni<Long> redrive(ProjectId project, QueueName name, Optional<Set<TaskId>> ids) {
        return write(step -> {
            Queue queue = step.queue(project, name);
            List<TaskId> chosen = ids.isPresent() ? new ArrayList<>(ids.get()) : deadLetterIds(step, queue);
            long count = 0;
            for (TaskId id : chosen) {
                Task task = step.find(TaskRef.of(project, name, id));
                if (task != null && task.state() == TaskState.DEAD) {
                    step.store(queue, task, applied(task.redrive(step.now, queue.nextSequence())));
                    count++;
                }
            }
            if (count > 0) {
                step.signal(queue);
            }
            return count;
        });
    }

    private static List<TaskId> deadLetterIds(Step step, Queue queue) throws SQLException {
        try (PreparedStatement select = step.c.prepareStatement("SELECT id FROM tasks WHERE project = ? AND queue = ? "
                + "AND state = 'DEAD' AND " + KEPT + " ORDER BY seq")) {
            select.setString(1, queue.project.value());
            select.setString(2, queue.name.value());
            select.setLong(3, step.now.toEpochMilli());
            List<TaskId> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(TaskId.of(rows.getString(1)));
                }
            }
            return ids;
        }
    }

    @Override
    public Uni<QueueCounts> counts(ProjectId project, QueueName name) {
        return write(step -> {
            step.queue(project, name);
            Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
            try (PreparedStatement select = step.c.prepareStatement("SELECT state, count(*) FROM tasks WHERE project = ? "
                    + "AND queue = ? AND " + KEPT + " GROUP BY state")) {
                select.setString(1, project.value());
                select.setString(2, name.value());
                select.setLong(3, step.now.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        byState.put(TaskState.valueOf(rows.getString(1)), rows.getLong(2));
                    }
                }
            }
            Optional<Duration> oldest = Optional.empty();
            // The first-enqueued queued task, as the in-memory store's state index has it first.
            try (PreparedStatement select = step.c.prepareStatement("SELECT run_at FROM tasks WHERE project = ? AND queue = ? "
                    + "AND state = 'QUEUED' ORDER BY seq LIMIT 1")) {
                select.setString(1, project.value());
                select.setString(2, name.value());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        oldest = Optional.of(Duration.between(Instant.ofEpochMilli(row.getLong(1)), step.now));
                    }
                }
            }
            return new QueueCounts(byState, oldest);
        });
    }

    // --- settings

    @Override
    public Uni<QueueSettings> settings(ProjectId project, QueueName name) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT max_attempts, min_delay_ms, max_delay_ms, lease_ms, "
                    + "max_queued, dead_letter_ms FROM task_queues WHERE project = ? AND queue = ?")) {
                select.setString(1, project.value());
                select.setString(2, name.value());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? settingsOf(row) : defaults;
                }
            }
        });
    }

    @Override
    public Uni<Void> saveSettings(ProjectId project, QueueName name, QueueSettings settings) {
        return write(step -> {
            Queue queue = step.queue(project, name);
            try (PreparedStatement upsert = step.c.prepareStatement("INSERT INTO task_queues (project, queue, max_attempts, "
                    + "min_delay_ms, max_delay_ms, lease_ms, max_queued, dead_letter_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (project, queue) DO UPDATE SET max_attempts = excluded.max_attempts, "
                    + "min_delay_ms = excluded.min_delay_ms, max_delay_ms = excluded.max_delay_ms, lease_ms = excluded.lease_ms, "
                    + "max_queued = excluded.max_queued, dead_letter_ms = excluded.dead_letter_ms")) {
                upsert.setString(1, project.value());
                upsert.setString(2, name.value());
                upsert.setInt(3, settings.retry().maxAttempts());
                upsert.setLong(4, settings.retry().minDelay().toMillis());
                upsert.setLong(5, settings.retry().maxDelay().toMillis());
                upsert.setLong(6, settings.defaultLease().toMillis());
                upsert.setLong(7, settings.maxQueued());
                upsert.setLong(8, settings.deadLetterRetention().toMillis());
                upsert.executeUpdate();
            }
            queue.settings = settings;
            return null;
        }).replaceWithVoid();
    }

    /** The settings saved in a task_queues row, or the defaults when none were. */
    private QueueSettings settingsOf(ResultSet row) throws SQLException {
        int maxAttempts = row.getInt("max_attempts");
        if (row.wasNull()) {
            return defaults;
        }
        return new QueueSettings(new RetryPolicy(Duration.ofMillis(row.getLong("min_delay_ms")),
                Duration.ofMillis(row.getLong("max_delay_ms")), maxAttempts), Duration.ofMillis(row.getLong("lease_ms")),
                row.getLong("max_queued"), Duration.ofMillis(row.getLong("dead_letter_ms")));
    }

    // --- watching

    @Override
    public Uni<Multi<QueueSignal>> watch(ProjectId project, QueueName name) {
        return watchers.watch(project, name);
    }

    // --- the sweep

    /** Deletes one batch of the table's rows whose {@code expires_at} passed; answers how many. */
    private int deleteExpired(Connection c, String table) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE rowid IN (SELECT rowid FROM " + table
                + " WHERE expires_at <= ? LIMIT " + SWEEP_BATCH + ")")) {
            delete.setLong(1, clock.millis());
            return delete.executeUpdate();
        }
    }

    /**
     * Reclaims one batch of expired leases in any queue, as a claim of their queue would: the
     * upkeep of queues nobody calls any more. Answers how many, and the tasks it ended.
     */
    private Reclaimed reclaimExpiredLeases(Connection c) throws SQLException {
        Step step = new Step(c, clock.instant());
        List<Task> expired;
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                + " FROM tasks WHERE state = 'RUNNING' AND wake_at <= ? ORDER BY wake_at LIMIT " + SWEEP_BATCH)) {
            select.setLong(1, step.now.toEpochMilli());
            expired = tasks(select);
        }
        for (Task task : expired) {
            step.reclaim(step.loaded(task.project(), task.queue()), task);
        }
        step.finish();
        return new Reclaimed(expired.size(), step.ended);
    }

    // --- rows

    private void bind(PreparedStatement upsert, Task task, QueueSettings settings) throws SQLException {
        upsert.setString(1, task.project().value());
        upsert.setString(2, task.queue().value());
        upsert.setString(3, task.id().value());
        upsert.setString(4, task.payload());
        upsert.setString(5, task.state().name());
        upsert.setInt(6, task.attempt());
        upsert.setInt(7, task.maxAttempts());
        upsert.setInt(8, task.priority().value());
        upsert.setLong(9, task.sequence());
        upsert.setLong(10, task.runAt().toEpochMilli());
        upsert.setString(11, task.lease().map(l -> l.token().value()).orElse(null));
        setMillis(upsert, 12, task.lease().map(Lease::expiresAt));
        upsert.setLong(13, task.fencingToken());
        upsert.setString(14, task.idempotencyKey().map(IdempotencyKey::value).orElse(null));
        upsert.setString(15, task.progressId().map(ProgressId::value).orElse(null));
        upsert.setString(16, task.result().orElse(null));
        upsert.setString(17, task.lastError().orElse(null));
        upsert.setInt(18, task.cancelRequested() ? 1 : 0);
        upsert.setLong(19, task.createdAt().toEpochMilli());
        upsert.setLong(20, task.updatedAt().toEpochMilli());
        setMillis(upsert, 21, task.finishedAt());
        setMillis(upsert, 22, wakeAt(task));
        setMillis(upsert, 23, task.keptUntil(retention.statusTtl(), settings.deadLetterRetention()));
    }

    /** When upkeep has something to do with the task: its run-at while it waits for it, its lease end while it runs. */
    private static Optional<Instant> wakeAt(Task task) {
        return switch (task.state()) {
            case SCHEDULED, FAILED -> Optional.of(task.runAt());
            // A running task without a lease counts as expired (Task.hasLeaseExpiredAt): due at once.
            case RUNNING -> Optional.of(task.lease().map(Lease::expiresAt).orElse(Instant.EPOCH));
            case QUEUED, SUCCEEDED, DEAD, CANCELLED -> Optional.empty();
        };
    }

    private static void setMillis(PreparedStatement statement, int index, Optional<Instant> at) throws SQLException {
        if (at.isPresent()) {
            statement.setLong(index, at.get().toEpochMilli());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static List<Task> tasks(PreparedStatement select) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                tasks.add(task(rows));
            }
        }
        return tasks;
    }

    private static Task task(ResultSet row) throws SQLException {
        String token = row.getString("lease_token");
        Optional<Lease> lease = token == null ? Optional.empty()
                : Optional.of(new Lease(LeaseToken.of(token), Instant.ofEpochMilli(row.getLong("lease_expires_at"))));
        return new Task(ProjectId.of(row.getString("project")), QueueName.of(row.getString("queue")), TaskId.of(row.getString("id")),
                row.getString("payload"), TaskState.valueOf(row.getString("state")), row.getInt("attempt"), row.getInt("max_attempts"),
                Priority.of(row.getInt("priority")), row.getLong("seq"), Instant.ofEpochMilli(row.getLong("run_at")), lease,
                row.getLong("fencing"), Optional.ofNullable(row.getString("idempotency_key")).map(IdempotencyKey::of),
                Optional.ofNullable(row.getString("progress_id")).map(ProgressId::of), Optional.ofNullable(row.getString("result")),
                Optional.ofNullable(row.getString("last_error")), row.getInt("cancel_requested") == 1,
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")),
                millis(row, "finished_at"));
    }

    private static Optional<Instant> millis(ResultSet row, String column) throws SQLException {
        long at = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }
}
