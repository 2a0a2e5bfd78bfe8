package infrastructure.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import domain.Secrets;
import domain.progress.ProgressId;
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
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.jboss.logging.Logger;

/**
 * The task port on Redis: per queue of a project, a hash of task records and one of payloads,
 * sorted sets that schedule (ready by priority and sequence, later by run-at, leased by lease end,
 * kept by end of retention) and one per state for listing; every change is one Lua script
 * ({@code task_*.lua}) on keys under the project's hash tag, with the clock passed in. Enqueues and
 * redrives publish on the queue's channel; each instance holds one pattern subscription to all task
 * channels, made on the first watch, and hands signals to its local watchers.
 *
 * <p>Why sorted sets and not Streams with consumer groups: a stream delivers in append order only,
 * so priorities, delays and retry backoff would each need extra structures and a mover anyway; its
 * pending-entries list reclaims by idle time (XAUTOCLAIM) but knows nothing of per-task leases,
 * fencing tokens, cancel marks or attempts counted against a per-task maximum, which would live in a
 * hash beside it; and acknowledged entries stay in the stream until trimmed, which bounds memory by
 * count rather than by retention. Sorted sets give all of it directly: claim = take the head of
 * ready, reclaim = range the leased set by deadline, promote = range the later set by run-at, each
 * O(log n) and inside one script, with every state change atomic and every key in one slot.
 */
public final class RedisTaskRepository implements TaskRepository {

    private static final LuaScript ENQUEUE = LuaScript.load("task_enqueue");
    private static final Logger LOG = Logger.getLogger(RedisTaskRepository.class);
    private static final LuaScript CLAIM = LuaScript.load("task_claim");
    private static final LuaScript HEARTBEAT = LuaScript.load("task_heartbeat");
    private static final LuaScript COMPLETE = LuaScript.load("task_complete");
    private static final LuaScript FAIL = LuaScript.load("task_fail");
    private static final LuaScript CANCEL = LuaScript.load("task_cancel");
    private static final LuaScript REDRIVE = LuaScript.load("task_redrive");
    private static final LuaScript COUNTS = LuaScript.load("task_counts");
    private static final LuaScript LIST = LuaScript.load("task_list");
    private static final LuaScript FIND = LuaScript.load("task_find");
    private static final LuaScript RESTORE = LuaScript.load("task_restore");
    /** Dead letters redriven by one script call; "redrive all" repeats until fewer come back. */
    private static final int REDRIVE_CHUNK = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Retention retention;
    private final String defaults;
    private final DoubleSupplier jitter;
    private final FairClaims fairness = new FairClaims();
    /** Told of each task that a script's upkeep ended (see {@link #onEndedByUpkeep}). */
    private volatile Consumer<Task> endedByUpkeep = task -> {
    };
    /** Local watchers by channel. */
    private final Map<String, Set<UnicastProcessor<QueueSignal>>> watchers = new ConcurrentHashMap<>();
    /** The one pattern subscription of this instance, to every task queue channel, shared by all watchers. */
    private final RedisSubscription subscription;
    private final RedisTrackedNodes nodes;

    public RedisTaskRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention,
            QueueSettings defaults) {
        this(redis, keyPrefix, clock, retention, defaults, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With {@code jitter} giving the retry jitter in [0, 1) (see {@link RetryPolicy}), on a data source of one node. */
    public RedisTaskRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention,
            QueueSettings defaults, DoubleSupplier jitter) {
        this(redis, keyPrefix, clock, retention, defaults, jitter, RedisTrackedNodes.single(redis));
    }

    /** @param nodes the nodes holding keys, SCANned for a project's queues */
    public RedisTaskRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention,
            QueueSettings defaults, DoubleSupplier jitter, RedisTrackedNodes nodes) {
        this.nodes = nodes;
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
        this.retention = retention;
        this.defaults = settingsJson(defaults);
        this.jitter = jitter;
        this.subscription = RedisSubscription.toPattern(redis, keys.taskChannels() + "*", this::deliver);
    }

    // --- enqueue

    @Override
    public Uni<EnqueueOutcome> enqueue(NewTask task) {
        return enqueueAll(List.of(task)).map(outcomes -> outcomes.get(0));
    }

    @Override
    public Uni<List<EnqueueOutcome>> enqueueAll(List<NewTask> tasks) {
        // Runs of one project and queue go in one script call each, in order.
        List<List<NewTask>> runs = new ArrayList<>();
        for (NewTask task : tasks) {
            List<NewTask> last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.get(0).project().equals(task.project()) && last.get(0).queue().equals(task.queue())) {
                last.add(task);
            } else {
                runs.add(new ArrayList<>(List.of(task)));
            }
        }
        Uni<List<EnqueueOutcome>> all = Uni.createFrom().item(new ArrayList<>());
        for (List<NewTask> run : runs) {
            all = all.chain(done -> enqueueRun(run).map(outcomes -> {
                done.addAll(outcomes);
                return done;
            }));
        }
        return all;
    }

    private Uni<List<EnqueueOutcome>> enqueueRun(List<NewTask> run) {
        ProjectId project = run.get(0).project();
        QueueName queue = run.get(0).queue();
        Instant now = clock.instant();
        List<String> scriptKeys = new ArrayList<>(keys.taskQueue(project, queue));
        List<String> args = new ArrayList<>(common(now));
        args.add(Long.toString(retention.idempotencyWindow().toMillis()));
        args.add(keys.taskChannel(project, queue));
        args.add(Integer.toString(run.size()));
        for (NewTask task : run) {
            String keyAt = "0";
            if (task.idempotencyKey().isPresent()) {
                scriptKeys.add(keys.taskIdempotency(project, queue, task.idempotencyKey().get()));
                keyAt = Integer.toString(scriptKeys.size());
            }
            args.add(TaskId.generate(now).value());
            args.add(task.payload());
            args.add(Long.toString(task.delay().toMillis()));
            args.add(Integer.toString(task.priority().value()));
            args.add(task.maxAttempts().map(String::valueOf).orElse(""));
            args.add(keyAt);
            args.add(task.idempotencyKey().map(IdempotencyKey::value).orElse(""));
            args.add(task.progressId().map(ProgressId::value).orElse(""));
        }
        return run(ENQUEUE, project, queue, scriptKeys, args)
                .map(r -> {
                    List<EnqueueOutcome> outcomes = new ArrayList<>(run.size());
                    for (int i = 0; i < run.size(); i++) {
                        String kind = r.get(4 * i).toString();
                        String id = r.get(4 * i + 1).toString();
                        Response record = r.get(4 * i + 2);
                        outcomes.add(switch (kind) {
                            case "new" -> new EnqueueOutcome.Enqueued(
                                    TaskRecord.task(project, queue, id, record.toBytes(), run.get(i).payload()));
                            case "repeat" -> new EnqueueOutcome.Repeated(
                                    TaskRecord.task(project, queue, id, record.toBytes(), r.get(4 * i + 3).toString()));
                            default -> new EnqueueOutcome.QueueFull(Long.parseLong(record.toString()));
                        });
                    }
                    return outcomes;
                })
                .onFailure().transform(RedisFailures::translate);
    }

    // --- running the scripts

    /**
     * Runs a task script on the queue's keys: its own answer, once the tasks its upkeep ended (the
     * tail of every script's reply, see finish in lib_task_queue.lua) went to the listener.
     */
    private Uni<List<Response>> run(LuaScript script, ProjectId project, QueueName queue, List<String> scriptKeys,
            List<String> args) {
        return script.run(redis, scriptKeys, args).map(reply -> {
            int ended = reply.get(reply.size() - 1).toInteger();
            int own = reply.size() - 1 - 3 * ended;
            List<Response> answer = new ArrayList<>(own);
            for (int i = 0; i < own; i++) {
                answer.add(reply.get(i));
            }
            for (int i = own; i < reply.size() - 1; i += 3) {
                Task task = TaskRecord.task(project, queue, reply.get(i).toString(), reply.get(i + 1).toBytes(), reply.get(i + 2).toString());
                try {
                    endedByUpkeep.accept(task);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "the listener of tasks ended by upkeep failed on task %s", task.id());
                }
            }
            return answer;
        });
    }

    @Override
    public void onEndedByUpkeep(Consumer<Task> listener) {
        endedByUpkeep = listener;
    }

    // --- claims

    @Override
    public Uni<ClaimBatch> claim(ProjectId project, QueueName queue, ClaimRequest request) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.addAll(claimArgs(request));
        return run(CLAIM, project, queue, keys.taskQueue(project, queue), args)
                .map(r -> claimed(project, queue, r, 0))
                .onFailure().transform(RedisFailures::translate);
    }

    /** A claim's arguments, as task_claim.lua and task_complete.lua take them: how many, the lease, the token base. */
    private static List<String> claimArgs(ClaimRequest request) {
        return List.of(Integer.toString(request.max()), Long.toString(request.lease().map(Duration::toMillis).orElse(0L)),
                Secrets.randomUrlSafe(12));
    }

    /** The claim in a script's reply from index {@code at}: next due or '', then id, record, payload per task. */
    private static ClaimBatch claimed(ProjectId project, QueueName queue, List<Response> r, int at) {
        List<Task> claimed = new ArrayList<>();
        for (int i = at + 1; i + 2 < r.size(); i += 3) {
            claimed.add(TaskRecord.task(project, queue, r.get(i).toString(), r.get(i + 1).toBytes(), r.get(i + 2).toString()));
        }
        String due = r.get(at).toString();
        return new ClaimBatch(claimed, due.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(due))));
    }

    @Override
    public Uni<ClaimBatch> claimAcross(List<ProjectId> projects, QueueName queue, ClaimRequest request) {
        return fairness.claim(projects, request, (project, share) -> claim(project, queue, share));
    }

    // --- changes of one task

    @Override
    public Uni<TaskOutcome> heartbeat(TaskRef task, LeaseToken lease, Optional<Duration> extendBy) {
        return Uni.createFrom().deferred(() -> {
            extendBy.ifPresent(by -> TaskLimits.lease("extendSeconds", by));
            return change(HEARTBEAT, task, lease.value(), Long.toString(extendBy.map(Duration::toMillis).orElse(0L)));
        });
    }

    @Override
    public Uni<TaskOutcome> complete(TaskRef task, LeaseToken lease, Optional<String> result) {
        return change(COMPLETE, task, lease.value(), result.isPresent() ? "1" : "0", result.orElse(""), "0", "0", "");
    }

    @Override
    public Uni<Handover> completeAndClaim(TaskRef ref, LeaseToken lease, Optional<String> result, ClaimRequest next) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.addAll(List.of(ref.id().value(), lease.value(), result.isPresent() ? "1" : "0", result.orElse("")));
        args.addAll(claimArgs(next));
        return run(COMPLETE, ref.project(), ref.queue(), keys.taskQueue(ref.project(), ref.queue()), args)
                .map(r -> {
                    TaskOutcome outcome = outcome(ref, r);
                    // A completion's reply is four long; a next claim follows it only after a completion.
                    return new Handover(outcome, outcome instanceof TaskOutcome.Done && r.size() > 4
                            ? claimed(ref.project(), ref.queue(), r, 4) : ClaimBatch.empty(Optional.empty()));
                })
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<TaskOutcome> fail(TaskRef task, LeaseToken lease, String error, boolean retryable) {
        return Uni.createFrom().deferred(() -> change(FAIL, task, lease.value(), TaskLimits.error(error), retryable ? "1" : "0",
                Double.toString(jitter.getAsDouble())));
    }

    @Override
    public Uni<TaskOutcome> cancel(TaskRef task) {
        return change(CANCEL, task);
    }

    private Uni<TaskOutcome> change(LuaScript script, TaskRef ref, String... extra) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.add(ref.id().value());
        args.addAll(List.of(extra));
        return run(script, ref.project(), ref.queue(), keys.taskQueue(ref.project(), ref.queue()), args)
                .map(r -> outcome(ref, r))
                .onFailure().transform(RedisFailures::translate);
    }

    private static TaskOutcome outcome(TaskRef ref, List<Response> r) {
        return switch (r.get(0).toString()) {
            case "done" -> new TaskOutcome.Done(task(ref, r));
            case "cancelled" -> new TaskOutcome.Cancelled(task(ref, r));
            case "stale" -> new TaskOutcome.StaleLease(r.get(1).toString());
            case "wrong" -> new TaskOutcome.WrongState(TaskState.valueOf(r.get(1).toString()));
            default -> new TaskOutcome.NotFound();
        };
    }

    // --- reads (each brings the queue up to date first, as every script does)

    @Override
    public Uni<Optional<Task>> find(TaskRef ref) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.add(ref.id().value());
        return run(FIND, ref.project(), ref.queue(), keys.taskQueue(ref.project(), ref.queue()), args)
                .map(r -> r.size() == 0 ? Optional.<Task>empty() : Optional.of(task(ref, r)))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<TaskPage> list(ProjectId project, QueueName queue, TaskState state, long after, int limit) {
        return Uni.createFrom().deferred(() -> page(project, queue, state, after, TaskLimits.page(limit)));
    }

    private Uni<TaskPage> page(ProjectId project, QueueName queue, TaskState state, long after, int limit) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.add(state.name());
        args.add(Long.toString(after));
        args.add(Integer.toString(limit));
        return run(LIST, project, queue, keys.taskQueue(project, queue), args)
                .map(r -> {
                    List<Task> items = new ArrayList<>();
                    for (int i = 1; i + 2 < r.size(); i += 3) {
                        items.add(TaskRecord.task(project, queue, r.get(i).toString(), r.get(i + 1).toBytes(), r.get(i + 2).toString()));
                    }
                    boolean more = r.get(0).toString().equals("1") && !items.isEmpty();
                    return new TaskPage(items, more ? Optional.of(items.get(items.size() - 1).sequence()) : Optional.empty());
                })
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<List<QueueName>> queues(ProjectId project) {
        return nodes.scan(keys.taskRecordsPattern(project))
                .map(found -> found.stream().map(key -> keys.queueOfTaskRecords(project, key)).flatMap(Optional::stream)
                        .distinct().sorted(java.util.Comparator.comparing(QueueName::value)).toList())
                .onFailure().transform(RedisFailures::translate);
    }

    /**
     * One HSCAN step over the queue's records (the cursor is HSCAN's), then the payloads of the tasks it
     * found; a finished task past its retention that upkeep has not dropped yet is left out, as is one
     * dropped between the two reads.
     */
    @Override
    public Uni<TaskBatch> walk(ProjectId project, QueueName queue, String cursor, int limit) {
        List<String> queueKeys = keys.taskQueue(project, queue);
        String records = queueKeys.get(0);
        String payloads = queueKeys.get(1);
        return redis.execute(Command.HSCAN, records, cursor.isEmpty() ? "0" : cursor, "COUNT", Integer.toString(limit))
                .chain(step -> {
                    String next = step.get(0).toString();
                    Response found = step.get(1);
                    List<String> ids = new ArrayList<>();
                    List<byte[]> recordsFound = new ArrayList<>();
                    for (int i = 0; i + 1 < found.size(); i += 2) {
                        ids.add(found.get(i).toString());
                        recordsFound.add(found.get(i + 1).toBytes());
                    }
                    Optional<String> more = next.equals("0") ? Optional.empty() : Optional.of(next);
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(new TaskBatch(List.of(), more));
                    }
                    List<String> args = new ArrayList<>(ids.size() + 1);
                    args.add(payloads);
                    args.addAll(ids);
                    long now = clock.millis();
                    return redis.execute(Command.HMGET, args.toArray(String[]::new)).map(bodies -> {
                        List<Task> tasks = new ArrayList<>(ids.size());
                        for (int i = 0; i < ids.size(); i++) {
                            if (bodies.get(i) != null) {
                                TaskRecord.unlessExpired(project, queue, ids.get(i), recordsFound.get(i), bodies.get(i).toString(), now)
                                        .ifPresent(tasks::add);
                            }
                        }
                        return new TaskBatch(tasks, more);
                    });
                })
                .onFailure().transform(RedisFailures::translate);
    }

    /**
     * One script call per chunk of {@value #RESTORE_CHUNK} tasks ({@code task_restore.lua}): each record as the
     * scripts write it, placed in the indexes of its state by the same rules.
     */
    @Override
    public Uni<List<Restored>> restore(ProjectId project, QueueName queue, List<Task> copies) {
        Instant now = clock.instant();
        copies.forEach(task -> task.requireRestorableInto(project, queue, now));
        Uni<List<Restored>> all = Uni.createFrom().item(new ArrayList<>());
        for (int from = 0; from < copies.size(); from += RESTORE_CHUNK) {
            List<Task> chunk = copies.subList(from, Math.min(copies.size(), from + RESTORE_CHUNK));
            all = all.chain(done -> restoreChunk(project, queue, chunk).map(outcomes -> {
                done.addAll(outcomes);
                return done;
            }));
        }
        return all;
    }

    private static final int RESTORE_CHUNK = 200;

    private Uni<List<Restored>> restoreChunk(ProjectId project, QueueName queue, List<Task> chunk) {
        List<String> scriptKeys = new ArrayList<>(keys.taskQueue(project, queue));
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.add(Long.toString(retention.idempotencyWindow().toMillis()));
        args.add(keys.taskChannel(project, queue));
        args.add(Integer.toString(chunk.size()));
        for (Task task : chunk) {
            String keyAt = "0";
            if (task.idempotencyKey().isPresent()) {
                scriptKeys.add(keys.taskIdempotency(project, queue, task.idempotencyKey().get()));
                keyAt = Integer.toString(scriptKeys.size());
            }
            args.add(task.id().value());
            args.add(TaskRecord.of(task));
            args.add(task.payload());
            args.add(keyAt);
        }
        return run(RESTORE, project, queue, scriptKeys, args)
                .map(r -> r.stream().map(kind -> switch (kind.toString()) {
                    case "stored" -> Restored.STORED;
                    case "existing" -> Restored.EXISTING;
                    default -> Restored.EXPIRED;
                }).toList())
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<QueueCounts> counts(ProjectId project, QueueName queue) {
        Instant now = clock.instant();
        return run(COUNTS, project, queue, keys.taskQueue(project, queue), common(now))
                .map(r -> {
                    Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
                    TaskState[] states = TaskState.values();
                    for (int i = 0; i < states.length; i++) {
                        byState.put(states[i], r.get(i).toLong());
                    }
                    String oldest = r.get(states.length).toString();
                    return new QueueCounts(byState, oldest.isEmpty() ? Optional.empty()
                            : Optional.of(Duration.between(Instant.ofEpochMilli(Long.parseLong(oldest)), now)));
                })
                .onFailure().transform(RedisFailures::translate);
    }

    // --- dead letters

    @Override
    public Uni<Long> redrive(ProjectId project, QueueName queue, Optional<Set<TaskId>> ids) {
        if (ids.isEmpty()) {
            return redriveAll(project, queue, 0);
        }
        List<String> all = ids.get().stream().map(TaskId::value).toList();
        Uni<Long> total = Uni.createFrom().item(0L);
        for (int from = 0; from < all.size(); from += REDRIVE_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + REDRIVE_CHUNK));
            total = total.chain(sum -> redriveChunk(project, queue, "ids", chunk).map(r -> sum + r.get(0).toLong()));
        }
        return total;
    }

    private Uni<Long> redriveAll(ProjectId project, QueueName queue, long sofar) {
        return redriveChunk(project, queue, "all", List.of()).chain(r -> {
            long redriven = sofar + r.get(0).toLong();
            return r.get(1).toLong() < REDRIVE_CHUNK ? Uni.createFrom().item(redriven) : redriveAll(project, queue, redriven);
        });
    }

    private Uni<List<Response>> redriveChunk(ProjectId project, QueueName queue, String mode, List<String> ids) {
        List<String> args = new ArrayList<>(common(clock.instant()));
        args.add(keys.taskChannel(project, queue));
        args.add(mode);
        args.addAll(ids);
        return run(REDRIVE, project, queue, keys.taskQueue(project, queue), args).onFailure().transform(RedisFailures::translate);
    }

    // --- settings

    @Override
    public Uni<QueueSettings> settings(ProjectId project, QueueName queue) {
        return redis.execute(Command.GET, keys.taskSettings(project, queue))
                .map(r -> settings(r == null ? defaults : r.toString()))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Void> saveSettings(ProjectId project, QueueName queue, QueueSettings settings) {
        return redis.execute(Command.SET, keys.taskSettings(project, queue), settingsJson(settings))
                .replaceWithVoid()
                .onFailure().transform(RedisFailures::translate);
    }

    // --- waiting for work

    @Override
    public Uni<Multi<QueueSignal>> watch(ProjectId project, QueueName queue) {
        String channel = keys.taskChannel(project, queue);
        return Uni.createFrom().deferred(() -> {
            // Registered before the subscription is confirmed: a signal that arrives early is kept.
            UnicastProcessor<QueueSignal> buffer = UnicastProcessor.create();
            watchers.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(buffer);
            Multi<QueueSignal> signals = buffer.onTermination().invoke(() -> forget(channel, buffer));
            return subscription.ready()
                    .onFailure().invoke(() -> forget(channel, buffer))
                    .onFailure().transform(RedisFailures::translate)
                    .replaceWith(signals);
        });
    }

    private void forget(String channel, UnicastProcessor<QueueSignal> buffer) {
        watchers.computeIfPresent(channel, (c, set) -> {
            set.remove(buffer);
            return set.isEmpty() ? null : set;
        });
    }

    /** Hands a published signal to this instance's watchers of its channel. */
    private void deliver(String channel, String message) {
        Set<UnicastProcessor<QueueSignal>> local = watchers.get(channel);
        if (local == null) {
            return;
        }
        String[] projectAndQueue = channel.substring(keys.taskChannels().length()).split("/", 2);
        QueueSignal signal = new QueueSignal(ProjectId.of(projectAndQueue[0]), QueueName.of(projectAndQueue[1]));
        local.forEach(watcher -> watcher.onNext(signal));
    }

    /** Ends the pattern subscription, giving its connection back; watchers get nothing more. */
    public Uni<Void> close() {
        return subscription.close();
    }

    // --- codec

    /** The arguments every task script takes first: now (ms), the default settings, the status ttl (ms). */
    private List<String> common(Instant now) {
        return List.of(Long.toString(now.toEpochMilli()), defaults, Long.toString(retention.statusTtl().toMillis()));
    }

    private static Task task(TaskRef ref, List<Response> r) {
        return TaskRecord.task(ref.project(), ref.queue(), r.get(1).toString(), r.get(2).toBytes(), r.get(3).toString());
    }

    private static String settingsJson(QueueSettings settings) {
        ObjectNode node = JSON.createObjectNode()
                .put("maxAttempts", settings.retry().maxAttempts())
                .put("minDelay", settings.retry().minDelay().toMillis())
                .put("maxDelay", settings.retry().maxDelay().toMillis())
                .put("lease", settings.defaultLease().toMillis())
                .put("maxQueued", settings.maxQueued())
                .put("deadTtl", settings.deadLetterRetention().toMillis());
        return node.toString();
    }

    private static QueueSettings settings(String json) {
        JsonNode s = parse(json);
        return new QueueSettings(
                new RetryPolicy(Duration.ofMillis(s.get("minDelay").asLong()), Duration.ofMillis(s.get("maxDelay").asLong()),
                        s.get("maxAttempts").asInt()),
                Duration.ofMillis(s.get("lease").asLong()), s.get("maxQueued").asLong(), Duration.ofMillis(s.get("deadTtl").asLong()));
    }

    /** The queue's settings as {@link #settingsJson} wrote them. */
    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a queue's settings the service wrote are not JSON", e);
        }
    }
}
