package infrastructure.memory;

import domain.Secrets;
import domain.project.ProjectId;
import domain.task.ClaimBatch;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.FairClaims;
import domain.task.Handover;
import domain.task.IdempotencyKey;
import domain.task.LeaseToken;
import domain.task.NewTask;
import domain.task.QueueCounts;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.QueueSignal;
import domain.task.Task;
import domain.task.TaskBatch;
import domain.task.TaskId;
import domain.task.TaskLimits;
import domain.task.TaskOutcome;
import domain.task.TaskPage;
import domain.task.TaskRef;
import domain.task.TaskRepository;
import domain.task.TaskState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.jboss.logging.Logger;

/**
 * The task port in process memory: each queue's tasks in sorted sets (ready by priority and
 * sequence, waiting by run-at, running by lease end, finished by retention end), changed only
 * under the queue's lock by the transitions of {@link Task}; watchers are this process's subscribers.
 *
 * <p>Every operation on a queue first brings it up to date at the clock's now, as the Redis scripts
 * do: finished tasks past their retention go, expired leases are reclaimed, due tasks are promoted.
 */
public final class InMemoryTaskRepository implements TaskRepository {

    private static final Logger LOG = Logger.getLogger(InMemoryTaskRepository.class);
    private static final Comparator<Task> READY_ORDER = Comparator.comparingInt((Task t) -> -t.priority().value())
            .thenComparingLong(Task::sequence);
    private static final Comparator<Task> RUN_AT_ORDER = Comparator.comparing(Task::runAt).thenComparingLong(Task::sequence);
    private static final Comparator<Task> LEASE_ORDER = Comparator.comparing((Task t) -> t.lease().orElseThrow().expiresAt())
            .thenComparingLong(Task::sequence);

    private final Clock clock;
    private final Retention retention;
    private final QueueSettings defaults;
    private final DoubleSupplier jitter;
    private final Map<QueueKey, Queue> queues = new ConcurrentHashMap<>();
    private final QueueWatchers watchers = new QueueWatchers();
    private final FairClaims fairness = new FairClaims();
    /** Told of each task that catching up ended (see {@link #onEndedByUpkeep}). */
    private volatile Consumer<Task> endedByUpkeep = task -> {
    };

    public InMemoryTaskRepository(Clock clock, Retention retention, QueueSettings defaults) {
        this(clock, retention, defaults, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With {@code jitter} giving the retry jitter in [0, 1) (see {@link domain.task.RetryPolicy}). */
    public InMemoryTaskRepository(Clock clock, Retention retention, QueueSettings defaults, DoubleSupplier jitter) {
        this.clock = clock;
        this.retention = retention;
        this.defaults = defaults;
        this.jitter = jitter;
    }

    private record QueueKey(ProjectId project, QueueName queue) {
    }

    private record Remembered(IdempotencyKey key, TaskId id, Instant until) {
    }

    private record Kept(Instant until, long sequence, TaskId id) implements Comparable<Kept> {
        @Override
        public int compareTo(Kept other) {
            int byTime = until.compareTo(other.until);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /** One queue of one project; every field is only touched under the queue's own lock. */
    private final class Queue {
        QueueSettings settings = defaults;
        long sequence;
        final Map<TaskId, Task> tasks = new HashMap<>();
        final NavigableSet<Task> ready = new TreeSet<>(READY_ORDER);
        final NavigableSet<Task> later = new TreeSet<>(RUN_AT_ORDER);
        final NavigableSet<Task> leased = new TreeSet<>(LEASE_ORDER);
        final NavigableSet<Kept> kept = new TreeSet<>();
        final Map<TaskId, Kept> keptOf = new HashMap<>();
        final Map<TaskState, NavigableMap<Long, TaskId>> byState = new EnumMap<>(TaskState.class);
        final Map<IdempotencyKey, Remembered> keys = new HashMap<>();
        final Deque<Remembered> keysByAge = new ArrayDeque<>();
        /** Tasks that catching up ended, told to the listener once the lock is released. */
        final List<Task> ended = new ArrayList<>();

        Queue() {
            for (TaskState state : TaskState.values()) {
                byState.put(state, new TreeMap<>());
            }
        }

        /** Drops what outlived its retention, reclaims expired leases, promotes due tasks. */
        void catchUp(Instant now) {
            while (!kept.isEmpty() && !kept.first().until().isAfter(now)) {
                unindex(tasks.get(kept.first().id()));
            }
            while (!keysByAge.isEmpty() && !keysByAge.peekFirst().until().isAfter(now)) {
                Remembered old = keysByAge.pollFirst();
                keys.remove(old.key(), old);
            }
            while (!leased.isEmpty() && leased.first().hasLeaseExpiredAt(now)) {
                Task expired = leased.first();
                Task after = applied(expired.expireLease(now));
                replace(expired, after);
                if (after.state() != TaskState.QUEUED) {
                    ended.add(after);
                }
            }
            while (!later.isEmpty() && later.first().isDueAt(now)) {
                Task due = later.first();
                replace(due, applied(due.promote(now)));
            }
        }

        void replace(Task before, Task after) {
            unindex(before);
            index(after);
        }

        void index(Task task) {
            tasks.put(task.id(), task);
            byState.get(task.state()).put(task.sequence(), task.id());
            switch (task.state()) {
                case QUEUED -> ready.add(task);
                case SCHEDULED, FAILED -> later.add(task);
                case RUNNING -> leased.add(task);
                case SUCCEEDED, DEAD, CANCELLED -> {
                    Kept k = new Kept(task.keptUntil(retention.statusTtl(), settings.deadLetterRetention()).orElseThrow(),
                            task.sequence(), task.id());
                    kept.add(k);
                    keptOf.put(task.id(), k);
                }
            }
        }

        void unindex(Task task) {
            tasks.remove(task.id());
            byState.get(task.state()).remove(task.sequence());
            ready.remove(task);
            later.remove(task);
            if (task.state() == TaskState.RUNNING) {
                leased.remove(task);
            }
            Kept k = keptOf.remove(task.id());
            if (k != null) {
                kept.remove(k);
            }
        }

        long waiting() {
            return ready.size() + later.size();
        }

        Optional<Instant> nextDue() {
            Optional<Instant> retry = later.isEmpty() ? Optional.empty() : Optional.of(later.first().runAt());
            Optional<Instant> lease = leased.isEmpty() ? Optional.empty()
                    : Optional.of(leased.first().lease().orElseThrow().expiresAt());
            if (retry.isPresent() && lease.isPresent()) {
                return Optional.of(retry.get().isBefore(lease.get()) ? retry.get() : lease.get());
            }
            return retry.or(() -> lease);
        }
    }

    private static Task applied(TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Done done) {
            return done.task();
        }
        throw new IllegalStateException("a transition the queue chose by state was refused: " + outcome);
    }

    private Queue queue(ProjectId project, QueueName name) {
        return queues.computeIfAbsent(new QueueKey(project, name), k -> new Queue());
    }

    /**
     * Runs {@code work} on the queue under its lock, brought up to date at now. The clock is read
     * under the lock, so each queue sees its changes in the order of their moments.
     */
    private <T> T locked(ProjectId project, QueueName name, BiFunction<Queue, Instant, T> work) {
        Queue queue = queue(project, name);
        T result;
        List<Task> ended;
        synchronized (queue) {
            Instant now = clock.instant();
            queue.catchUp(now);
            result = work.apply(queue, now);
            ended = drainEnded(queue);
        }
        ended.forEach(this::tellEnded);
        return result;
    }

    private static List<Task> drainEnded(Queue queue) {
        if (queue.ended.isEmpty()) {
            return List.of();
        }
        List<Task> ended = List.copyOf(queue.ended);
        queue.ended.clear();
        return ended;
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

    /** A transition of one task, given its queue (for the settings) and the moment. */
    private interface Transition {
        TaskOutcome apply(Task task, Queue queue, Instant now);
    }

    @Override
    public Uni<EnqueueOutcome> enqueue(NewTask task) {
        return enqueueAll(List.of(task)).map(outcomes -> outcomes.get(0));
    }

    @Override
    public Uni<List<EnqueueOutcome>> enqueueAll(List<NewTask> tasks) {
        return Uni.createFrom().item(() -> {
            List<EnqueueOutcome> outcomes = new ArrayList<>(tasks.size());
            for (NewTask task : tasks) {
                EnqueueOutcome outcome = locked(task.project(), task.queue(), (queue, now) -> enqueueInto(queue, task, now));
                outcomes.add(outcome);
                if (outcome instanceof EnqueueOutcome.Enqueued e && e.task().state() == TaskState.QUEUED) {
                    watchers.signal(task.project(), task.queue());
                }
            }
            return outcomes;
        });
    }

    private EnqueueOutcome enqueueInto(Queue queue, NewTask request, Instant now) {
        if (request.idempotencyKey().isPresent()) {
            Remembered known = queue.keys.get(request.idempotencyKey().get());
            // Its own window: a restored key's may end before keys remembered earlier (keysByAge is in order of remembering).
            if (known != null && known.until().isAfter(now) && queue.tasks.containsKey(known.id())) {
                return new EnqueueOutcome.Repeated(queue.tasks.get(known.id()));
            }
        }
        if (queue.waiting() >= queue.settings.maxQueued()) {
            return new EnqueueOutcome.QueueFull(queue.settings.maxQueued());
        }
        Task task = Task.enqueue(request, TaskId.generate(now), ++queue.sequence, queue.settings, now);
        queue.index(task);
        request.idempotencyKey().ifPresent(key -> {
            Remembered remembered = new Remembered(key, task.id(), now.plus(retention.idempotencyWindow()));
            queue.keys.put(key, remembered);
            queue.keysByAge.addLast(remembered);
        });
        return new EnqueueOutcome.Enqueued(task);
    }

    @Override
    public Uni<ClaimBatch> claim(ProjectId project, QueueName name, ClaimRequest request) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> claimFrom(queue, request, now)));
    }

    private static ClaimBatch claimFrom(Queue queue, ClaimRequest request, Instant now) {
        Duration lease = request.lease().orElse(queue.settings.defaultLease());
        String tokenBase = Secrets.randomUrlSafe(12);
        List<Task> claimed = new ArrayList<>();
        while (claimed.size() < request.max() && !queue.ready.isEmpty()) {
            Task next = queue.ready.first();
            // The claim's random base and the task's place in the claim, as task_claim.lua: a token of its own per task.
            Task running = applied(next.claim(now, lease, tokenBase + claimed.size()));
            queue.replace(next, running);
            claimed.add(running);
        }
        return new ClaimBatch(claimed, claimed.isEmpty() ? queue.nextDue() : Optional.empty());
    }

    @Override
    public Uni<ClaimBatch> claimAcross(List<ProjectId> projects, QueueName queue, ClaimRequest request) {
        return fairness.claim(projects, request, (project, share) -> claim(project, queue, share));
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
        return Uni.createFrom().item(() -> locked(ref.project(), ref.queue(), (queue, now) -> {
            TaskOutcome outcome = changeIn(queue, ref, (task, q, at) -> task.complete(lease, result, at), now);
            return new Handover(outcome, outcome instanceof TaskOutcome.Done ? claimFrom(queue, next, now) : ClaimBatch.empty(Optional.empty()));
        }));
    }

    @Override
    public Uni<TaskOutcome> fail(TaskRef ref, LeaseToken lease, String error, boolean retryable) {
        return change(ref, (task, queue, now) -> task.fail(lease, error, retryable, queue.settings.retry(), jitter.getAsDouble(), now));
    }

    @Override
    public Uni<TaskOutcome> cancel(TaskRef ref) {
        return change(ref, (task, queue, now) -> task.cancel(now));
    }

    /** Applies a transition to the task under its queue's lock and stores what it became. */
    private Uni<TaskOutcome> change(TaskRef ref, Transition transition) {
        return Uni.createFrom().item(() -> locked(ref.project(), ref.queue(), (queue, now) -> changeIn(queue, ref, transition, now)));
    }

    private static TaskOutcome changeIn(Queue queue, TaskRef ref, Transition transition, Instant now) {
        Task task = queue.tasks.get(ref.id());
        if (task == null) {
            return new TaskOutcome.NotFound();
        }
        TaskOutcome outcome = transition.apply(task, queue, now);
        Task after = outcome instanceof TaskOutcome.Done done ? done.task()
                : outcome instanceof TaskOutcome.Cancelled cancelled ? cancelled.task() : task;
        if (!after.equals(task)) {
            queue.replace(task, after);
        }
        return outcome;
    }

    @Override
    public Uni<Optional<Task>> find(TaskRef ref) {
        return Uni.createFrom().item(() -> locked(ref.project(), ref.queue(), (queue, now) -> Optional.ofNullable(queue.tasks.get(ref.id()))));
    }

    @Override
    public Uni<TaskPage> list(ProjectId project, QueueName name, TaskState state, long after, int limit) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> {
            TaskLimits.page(limit);
            NavigableMap<Long, TaskId> ids = queue.byState.get(state).tailMap(after, false);
            List<Task> items = new ArrayList<>();
            for (TaskId id : ids.values()) {
                if (items.size() == limit) {
                    break;
                }
                items.add(queue.tasks.get(id));
            }
            boolean more = ids.size() > items.size();
            return new TaskPage(items, more ? Optional.of(items.get(items.size() - 1).sequence()) : Optional.empty());
        }));
    }

    @Override
    public Uni<Long> redrive(ProjectId project, QueueName name, Optional<Set<TaskId>> ids) {
        return Uni.createFrom().item(() -> {
            long redriven = locked(project, name, (queue, now) -> {
                List<TaskId> chosen = ids.<List<TaskId>>map(ArrayList::new)
                        .orElseGet(() -> new ArrayList<>(queue.byState.get(TaskState.DEAD).values()));
                long count = 0;
                for (TaskId id : chosen) {
                    Task task = queue.tasks.get(id);
                    if (task != null && task.state() == TaskState.DEAD) {
                        queue.replace(task, applied(task.redrive(now, ++queue.sequence)));
                        count++;
                    }
                }
                return count;
            });
            if (redriven > 0) {
                watchers.signal(project, name);
            }
            return redriven;
        });
    }

    @Override
    public Uni<List<QueueName>> queues(ProjectId project) {
        return Uni.createFrom().item(() -> queues.keySet().stream()
                .filter(key -> key.project().equals(project))
                .map(QueueKey::queue)
                .filter(name -> locked(project, name, (queue, now) -> !queue.tasks.isEmpty()))
                .sorted(java.util.Comparator.comparing(QueueName::value))
                .toList());
    }

    /** By id, in a sorted copy of the queue's ids taken under its lock; the cursor is the last id read. */
    @Override
    public Uni<TaskBatch> walk(ProjectId project, QueueName name, String cursor, int limit) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> {
            List<Task> page = queue.tasks.values().stream()
                    .filter(task -> task.id().value().compareTo(cursor) > 0)
                    .sorted(java.util.Comparator.comparing((Task task) -> task.id().value()))
                    .limit(limit)
                    .toList();
            return new TaskBatch(page, page.size() < limit ? Optional.empty() : Optional.of(page.get(page.size() - 1).id().value()));
        }));
    }

    @Override
    public Uni<List<Restored>> restore(ProjectId project, QueueName name, List<Task> copies) {
        return Uni.createFrom().item(() -> {
            List<Restored> outcomes = new ArrayList<>(copies.size());
            boolean claimable = locked(project, name, (queue, now) -> {
                copies.forEach(task -> task.requireRestorableInto(project, name, now));
                boolean ready = false;
                for (Task copy : copies) {
                    if (queue.tasks.containsKey(copy.id())) {
                        outcomes.add(Restored.EXISTING);
                        continue;
                    }
                    Optional<Instant> kept = copy.keptUntil(retention.statusTtl(), queue.settings.deadLetterRetention());
                    if (kept.isPresent() && !kept.get().isAfter(now)) {
                        outcomes.add(Restored.EXPIRED);
                        continue;
                    }
                    long sequence = copy.sequence();
                    if (queue.byState.values().stream().anyMatch(ids -> ids.containsKey(copy.sequence()))) {
                        sequence = ++queue.sequence;
                    }
                    queue.sequence = Math.max(queue.sequence, sequence);
                    Task task = copy.withSequence(sequence);
                    queue.index(task);
                    task.idempotencyKey().ifPresent(key -> {
                        Instant until = task.createdAt().plus(retention.idempotencyWindow());
                        Remembered known = queue.keys.get(key);
                        if (until.isAfter(now) && (known == null || !queue.tasks.containsKey(known.id()))) {
                            Remembered remembered = new Remembered(key, task.id(), until);
                            queue.keys.put(key, remembered);
                            queue.keysByAge.addLast(remembered);
                        }
                    });
                    ready |= task.isDueAt(now);
                    outcomes.add(Restored.STORED);
                }
                return ready;
            });
            if (claimable) {
                watchers.signal(project, name);
            }
            return outcomes;
        });
    }

    @Override
    public Uni<QueueCounts> counts(ProjectId project, QueueName name) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> {
            Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
            queue.byState.forEach((state, ids) -> byState.put(state, (long) ids.size()));
            NavigableMap<Long, TaskId> queued = queue.byState.get(TaskState.QUEUED);
            Optional<Duration> oldest = queued.isEmpty() ? Optional.empty()
                    : Optional.of(Duration.between(queue.tasks.get(queued.firstEntry().getValue()).runAt(), now));
            return new QueueCounts(byState, oldest);
        }));
    }

    @Override
    public Uni<QueueSettings> settings(ProjectId project, QueueName name) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> queue.settings));
    }

    @Override
    public Uni<Void> saveSettings(ProjectId project, QueueName name, QueueSettings settings) {
        return Uni.createFrom().item(() -> locked(project, name, (queue, now) -> queue.settings = settings)).replaceWithVoid();
    }

    @Override
    public Uni<Multi<QueueSignal>> watch(ProjectId project, QueueName name) {
        return watchers.watch(project, name);
    }

    /**
     * Brings every queue up to date, so that a queue nobody uses any more still drops its finished
     * tasks when their retention passes (the embedded store's sweeper calls it).
     */
    public void sweepExpired() {
        for (Queue queue : queues.values()) {
            List<Task> ended;
            synchronized (queue) {
                queue.catchUp(clock.instant());
                ended = drainEnded(queue);
            }
            ended.forEach(this::tellEnded);
        }
    }

    /** Tasks held now in every queue, those past their retention but not yet dropped included. */
    public int size() {
        return queues.values().stream().mapToInt(q -> {
            synchronized (q) {
                return q.tasks.size();
            }
        }).sum();
    }
}
