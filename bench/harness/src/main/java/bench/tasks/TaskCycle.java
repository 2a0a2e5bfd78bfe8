package bench.tasks;

import bench.Args;
import bench.http.Api;
import bench.http.Fixture;
import bench.http.HttpBench;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Part 6 of the benchmark: the task queue's cycle through the service, as {@code bench/bullmq/cycle.mjs}
 * runs it with BullMQ on the same Redis. A producer enqueues N tasks while W workers claim and
 * complete them: unbatched (one task per enqueue, claims of one) and batched (enqueues of 100, claims
 * of 32, each task completed on its own), in tasks per second from the first enqueue to the last
 * completion. Then the delay from a producer's send to a long-polling worker's receipt, one task every
 * few milliseconds; and Redis memory per waiting and per finished task.
 *
 * <p>Options: {@code --base}, {@code --admin-key}, {@code --redis} (URL, for {@code INFO memory}, {@code cpu} and {@code commandstats}),
 * {@code --tasks} (20,000), {@code --warmup-tasks} (3,000 per mode and warm-up round, not measured),
 * {@code --settle-limit} (150: about the most seconds of warm-up rounds while the service's JIT compiles; a round
 * that would pass it is not begun), {@code --workers} (8), {@code --latency-count} (500),
 * {@code --latency-interval-ms} (5), {@code --memory-count} (5,000), {@code --service-pid} (the service's process, on this
 * machine: each cycle then also reports the service's CPU per task, from {@code /proc}), {@code --out}.
 */
public final class TaskCycle {

    private static final Pattern USED_MEMORY = Pattern.compile("used_memory:(\\d+)");
    private static final Pattern CPU = Pattern.compile("used_cpu_(?:user|sys):([0-9.]+)");
    private static final Pattern SCRIPT_CALLS = Pattern.compile("cmdstat_(?:evalsha|eval|fcall):calls=(\\d+)");
    private static final int ENQUEUE_BATCH = 100;
    private static final int CLAIM_BATCH = 32;
    /** {@code getconf CLK_TCK} on Linux. */
    private static final int CLOCK_TICKS = 100;

    private final HttpClient client;
    private final String key;
    private final String queues;
    private final StatefulRedisConnection<String, String> redis;
    /** The service's {@code /proc/<pid>/stat}, or null when its pid was not given. */
    private final Path serviceStat;

    private TaskCycle(HttpClient client, String key, String project, StatefulRedisConnection<String, String> redis, Path serviceStat) {
        this.client = client;
        this.key = key;
        this.queues = "/v1/projects/" + project + "/queues/";
        this.redis = redis;
        this.serviceStat = serviceStat;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI base = URI.create(args.get("base"));
        Api api = new Api(args.get("base"));
        String project = Fixture.PROJECT;
        String key = Fixture.createKey(api, args.get("admin-key"), "task-cycle-" + System.nanoTime(), project);
        int tasks = args.integer("tasks", 20_000);
        int workers = args.integer("workers", 8);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        ObjectNode out = Api.JSON.createObjectNode().put("workers", workers);
        RedisClient redisClient = RedisClient.create(args.get("redis"));
        try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost())
                    .setDefaultPort(base.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4 * workers + 4));
            String pid = args.get("service-pid", "");
            TaskCycle cycle = new TaskCycle(http, key, project, redis, pid.isEmpty() ? null : Path.of("/proc", pid, "stat"));
            String run = Long.toString(System.currentTimeMillis(), 36);
            if (!cycle.available("probe-" + run)) {
                out.put("available", false);
                System.err.println("the service has no task queue: part 6 skipped");
            } else {
                out.put("available", true);
                // The service's JIT compiles the task paths under the first load: warm every mode up first, so the
                // figures measure the service, not its compiler (the first mode measured was 2 to 3 times slower).
                // Round after round of every mode until the JIT settles, as part 2 waits (HttpBench.warmUp): a fixed
                // 3,000 tasks per mode left the C2 compiler threads using nearly as much CPU as the event loops.
                int warmup = args.integer("warmup-tasks", 3_000);
                if (warmup > 0) {
                    cycle.warmUp(api, run, warmup, workers, args.integer("settle-limit", 150), out);
                }
                out.set("unbatched", cycle.cycle("cycle-one-" + run, tasks, workers, 1, 1, false));
                System.out.println("ours unbatched " + out.get("unbatched"));
                out.set("handover", cycle.cycle("cycle-handover-" + run, tasks, workers, 1, 1, true));
                System.out.println("ours unbatched, each complete claiming the next " + out.get("handover"));
                out.set("batched", cycle.cycle("cycle-bulk-" + run, tasks, workers, ENQUEUE_BATCH, CLAIM_BATCH, false));
                System.out.println("ours batched " + out.get("batched"));
                out.set("claimLatency", cycle.latency("latency-" + run, args.integer("latency-count", 500),
                        args.integer("latency-interval-ms", 5), workers));
                System.out.println("ours claim latency " + out.get("claimLatency"));
                out.set("memory", cycle.memory("memory-" + run, args.integer("memory-count", 5_000)));
                System.out.println("ours memory " + out.get("memory"));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            redisClient.shutdown();
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /**
     * Runs every mode with {@code tasks} tasks, round after round, until a round in which the service's JIT
     * compiler worked less than {@link HttpBench#SETTLED} of the round's time, or {@code limit} seconds in all.
     * Puts the rounds, the seconds and whether the JIT settled into {@code out}.
     */
    private void warmUp(Api api, String run, int tasks, int workers, int limit, ObjectNode out) throws Exception {
        if (!api.metrics().contains(HttpBench.COMPILATION)) {
            throw new IllegalStateException("the service exports no " + HttpBench.COMPILATION + ", which the warm-up waits on");
        }
        long started = System.nanoTime();
        int round = 0;
        boolean settled = false;
        while (!settled) {
            round++;
            double compiledBefore = Api.counter(api.metrics(), HttpBench.COMPILATION);
            long roundStart = System.nanoTime();
            cycle("warmup-one-" + run + "-" + round, tasks, workers, 1, 1, false);
            cycle("warmup-handover-" + run + "-" + round, tasks, workers, 1, 1, true);
            cycle("warmup-bulk-" + run + "-" + round, tasks, workers, ENQUEUE_BATCH, CLAIM_BATCH, false);
            double roundMs = (System.nanoTime() - roundStart) / 1e6;
            double compiledMs = Api.counter(api.metrics(), HttpBench.COMPILATION) - compiledBefore;
            double spent = (System.nanoTime() - started) / 1e9;
            System.out.printf("task warm-up round %d: the JIT compiled for %.0f ms of %.0f ms%n", round, compiledMs, roundMs);
            settled = compiledMs < HttpBench.SETTLED * roundMs;
            if (!settled && spent + roundMs / 1e3 > limit) {
                System.out.printf("task warm-up: the JIT had not settled after %.0f s; measuring anyway%n", spent);
                break;
            }
        }
        forget("warmup-*-" + run + "-*");
        out.put("warmupTasks", tasks).put("warmupRounds", round).put("jitSettled", settled).put("settledShare", HttpBench.SETTLED)
                .put("warmupTotalSeconds", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Deletes the keys of the queues named like {@code pattern}: the warm-up's finished tasks would otherwise stay in
     * Redis for their 24 h of status, tens of thousands of them, under the parts measured after this one.
     */
    private void forget(String pattern) {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches("*:q:" + pattern).limit(1_000);
        do {
            KeyScanCursor<String> page = redis.sync().scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                redis.sync().unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private boolean available(String queue) throws Exception {
        JsonNode answer = join(post(queues + queue + "/tasks", Map.of("payload", Map.of("n", 0))));
        return answer != null && answer.has("id");
    }

    /**
     * N tasks through a fresh queue; the figure runs from the first enqueue to the last completion.
     * With {@code handover}, each complete also claims the worker's next task (BullMQ's worker
     * fetches its next job in the call that finishes one, too).
     */
    private ObjectNode cycle(String queue, int tasks, int workers, int enqueueBatch, int claimBatch, boolean handover)
            throws Exception {
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CompletableFuture<Long> allDone = new CompletableFuture<>();
        RedisLoad before = RedisLoad.of(redis);
        double serviceBefore = serviceCpuSeconds();
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            Runnable completedOne = () -> {
                if (completed.incrementAndGet() == tasks) {
                    allDone.complete(System.nanoTime());
                }
            };
            if (handover) {
                handOver(queue, completedOne, errors, allDone);
            } else {
                work(queue, claimBatch, 1, completedOne, errors, allDone);
            }
        }
        produce(queue, tasks, workers, enqueueBatch, errors);
        long end = allDone.get(5, TimeUnit.MINUTES);
        double serviceAfter = serviceCpuSeconds();
        RedisLoad after = RedisLoad.of(redis);
        double seconds = (end - start) / 1e9;
        ObjectNode result = Api.JSON.createObjectNode().put("tasks", tasks).put("seconds", seconds).put("tasksPerSecond", tasks / seconds)
                .put("enqueueBatch", enqueueBatch).put("claimBatch", claimBatch).put("handover", handover).put("errors", errors.get())
                .put("redisCpuMicrosPerTask", (after.cpuSeconds() - before.cpuSeconds()) * 1e6 / tasks)
                .put("scriptCallsPerTask", (after.scriptCalls() - before.scriptCalls()) / (double) tasks);
        if (serviceStat != null) {
            result.put("serviceCpuMicrosPerTask", (serviceAfter - serviceBefore) * 1e6 / tasks);
        }
        return result;
    }

    /**
     * The service's CPU time so far (user and system, {@code /proc/<pid>/stat} fields 14 and 15, in clock ticks of
     * 10 ms), or 0 without its pid: less disturbed by the neighbours' load than its throughput.
     */
    private double serviceCpuSeconds() throws IOException {
        if (serviceStat == null) {
            return 0;
        }
        String stat = Files.readString(serviceStat);
        // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
    }

    /** Enqueues {@code tasks}, {@code inFlight} requests at a time; returns once every one was answered. */
    private void produce(String queue, int tasks, int inFlight, int batch, AtomicInteger errors) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < inFlight; p++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            producers.add(done);
            enqueueNext(queue, tasks, batch, next, errors, done);
        }
        CompletableFuture.allOf(producers.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }

    private void enqueueNext(String queue, int tasks, int batch, AtomicInteger next, AtomicInteger errors,
            CompletableFuture<Void> done) {
        int from = next.getAndAdd(batch);
        if (from >= tasks) {
            done.complete(null);
            return;
        }
        int to = Math.min(tasks, from + batch);
        Future<JsonNode> sent;
        if (batch == 1) {
            sent = post(queues + queue + "/tasks", Map.of("payload", Map.of("n", from)));
        } else {
            List<Map<String, Object>> each = new ArrayList<>();
            for (int n = from; n < to; n++) {
                each.add(Map.of("payload", Map.of("n", n)));
            }
            sent = post(queues + queue + "/tasks/batch", Map.of("tasks", each));
        }
        sent.onComplete(answer -> {
            if (answer.failed() || answer.result() == null) {
                errors.incrementAndGet();
            }
            enqueueNext(queue, tasks, batch, next, errors, done);
        });
    }

    /**
     * One worker: claims up to {@code max}, waiting up to {@code waitSeconds} for work, completes each
     * claimed task in turn, then claims again, until {@code stop} is done.
     */
    private void work(String queue, int max, int waitSeconds, Runnable completedOne, AtomicInteger errors,
            CompletableFuture<?> stop) {
        if (stop.isDone()) {
            return;
        }
        post(queues + queue + "/claims", Map.of("max", max, "waitSeconds", waitSeconds)).onComplete(answer -> {
            if (answer.failed() || answer.result() == null) {
                errors.incrementAndGet();
                work(queue, max, waitSeconds, completedOne, errors, stop);
                return;
            }
            List<JsonNode> claimed = new ArrayList<>();
            answer.result().path("tasks").forEach(claimed::add);
            completeEach(queue, claimed, 0, completedOne, errors)
                    .onComplete(v -> work(queue, max, waitSeconds, completedOne, errors, stop));
        });
    }

    /**
     * One worker that completes each task with {@code next}, so that the complete leases its next
     * task; it long-polls with a claim only when a complete found nothing next.
     */
    private void handOver(String queue, Runnable completedOne, AtomicInteger errors, CompletableFuture<?> stop) {
        if (stop.isDone()) {
            return;
        }
        post(queues + queue + "/claims", Map.of("max", 1, "waitSeconds", 1)).onComplete(answer -> {
            if (answer.failed() || answer.result() == null) {
                errors.incrementAndGet();
                handOver(queue, completedOne, errors, stop);
                return;
            }
            JsonNode tasks = answer.result().path("tasks");
            if (tasks.isEmpty()) {
                handOver(queue, completedOne, errors, stop);
            } else {
                completeAndTakeNext(queue, tasks.get(0), completedOne, errors, stop);
            }
        });
    }

    private void completeAndTakeNext(String queue, JsonNode task, Runnable completedOne, AtomicInteger errors,
            CompletableFuture<?> stop) {
        post(queues + queue + "/tasks/" + task.get("id").asText() + "/complete",
                Map.of("leaseToken", task.get("leaseToken").asText(), "next", Map.of("max", 1))).onComplete(answer -> {
                    if (answer.failed() || answer.result() == null) {
                        errors.incrementAndGet();
                        handOver(queue, completedOne, errors, stop);
                        return;
                    }
                    completedOne.run();
                    JsonNode next = answer.result().path("next").path("tasks");
                    if (next.isEmpty() || stop.isDone()) {
                        handOver(queue, completedOne, errors, stop);
                    } else {
                        completeAndTakeNext(queue, next.get(0), completedOne, errors, stop);
                    }
                });
    }

    private Future<Void> completeEach(String queue, List<JsonNode> claimed, int i, Runnable completedOne, AtomicInteger errors) {
        if (i == claimed.size()) {
            return Future.succeededFuture();
        }
        JsonNode task = claimed.get(i);
        return post(queues + queue + "/tasks/" + task.get("id").asText() + "/complete",
                Map.of("leaseToken", task.get("leaseToken").asText()))
                .transform(answer -> {
                    if (answer.failed() || answer.result() == null) {
                        errors.incrementAndGet();
                    } else {
                        completedOne.run();
                    }
                    return completeEach(queue, claimed, i + 1, completedOne, errors);
                });
    }

    /** Workers long-poll an empty queue; a task every {@code intervalMs}: from its send to a worker's receipt. */
    private ObjectNode latency(String queue, int count, int intervalMs, int workers) throws Exception {
        Histogram delays = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CompletableFuture<Void> allReceived = new CompletableFuture<>();
        AtomicLong ignored = new AtomicLong();
        for (int w = 0; w < workers; w++) {
            longPoll(queue, delays, received, count, errors, allReceived, ignored);
        }
        // The workers' first claims reach the service before the first task.
        Thread.sleep(500);
        for (int i = 0; i < count; i++) {
            post(queues + queue + "/tasks", Map.of("payload", Map.of("sent", System.nanoTime())))
                    .onFailure(f -> errors.incrementAndGet());
            Thread.sleep(intervalMs);
        }
        allReceived.get(1, TimeUnit.MINUTES);
        synchronized (delays) {
            return Api.JSON.createObjectNode().put("count", count).put("p50Ms", delays.getValueAtPercentile(50) / 1000.0)
                    .put("p99Ms", delays.getValueAtPercentile(99) / 1000.0).put("maxMs", delays.getMaxValue() / 1000.0)
                    .put("errors", errors.get());
        }
    }

    private void longPoll(String queue, Histogram delays, AtomicInteger received, int count, AtomicInteger errors,
            CompletableFuture<Void> allReceived, AtomicLong ignored) {
        if (allReceived.isDone()) {
            return;
        }
        post(queues + queue + "/claims", Map.of("max", 1, "waitSeconds", 20)).onComplete(answer -> {
            long now = System.nanoTime();
            List<JsonNode> claimed = new ArrayList<>();
            if (answer.succeeded() && answer.result() != null) {
                answer.result().path("tasks").forEach(claimed::add);
            } else {
                errors.incrementAndGet();
            }
            for (JsonNode task : claimed) {
                synchronized (delays) {
                    delays.recordValue(Math.max(0, (now - task.path("payload").path("sent").asLong(now)) / 1000));
                }
                if (received.incrementAndGet() == count) {
                    allReceived.complete(null);
                }
            }
            completeEach(queue, claimed, 0, ignored::incrementAndGet, errors)
                    .onComplete(v -> longPoll(queue, delays, received, count, errors, allReceived, ignored));
        });
    }

    /** Redis memory per waiting task (enqueued in batches), then per finished task (kept for the status ttl). */
    private ObjectNode memory(String queue, int count) throws Exception {
        long before = usedMemory(redis);
        AtomicInteger errors = new AtomicInteger();
        produce(queue, count, 1, ENQUEUE_BATCH, errors);
        long waiting = usedMemory(redis);
        AtomicInteger completed = new AtomicInteger();
        CompletableFuture<Long> allDone = new CompletableFuture<>();
        work(queue, ENQUEUE_BATCH, 1, () -> {
            if (completed.incrementAndGet() == count) {
                allDone.complete(System.nanoTime());
            }
        }, errors, allDone);
        allDone.get(5, TimeUnit.MINUTES);
        long finished = usedMemory(redis);
        return Api.JSON.createObjectNode().put("count", count).put("perWaitingBytes", (waiting - before) / (double) count)
                .put("perFinishedBytes", (finished - before) / (double) count).put("errors", errors.get());
    }

    /**
     * What Redis spent so far: its CPU time (user and system, INFO cpu) and its script calls (INFO
     * commandstats), so that a cycle's cost splits into Redis's share and the rest.
     */
    record RedisLoad(double cpuSeconds, long scriptCalls) {

        static RedisLoad of(StatefulRedisConnection<String, String> redis) {
            double cpu = 0;
            Matcher m = CPU.matcher(redis.sync().info("cpu"));
            while (m.find()) {
                cpu += Double.parseDouble(m.group(1));
            }
            long calls = 0;
            Matcher c = SCRIPT_CALLS.matcher(redis.sync().info("commandstats"));
            while (c.find()) {
                calls += Long.parseLong(c.group(1));
            }
            return new RedisLoad(cpu, calls);
        }
    }

    private static long usedMemory(StatefulRedisConnection<String, String> connection) {
        Matcher m = USED_MEMORY.matcher(connection.sync().info("memory"));
        if (!m.find()) {
            throw new IllegalStateException("INFO memory has no used_memory");
        }
        return Long.parseLong(m.group(1));
    }

    /** POSTs {@code body}; the answer's JSON when the status is 2xx, else null. */
    private Future<JsonNode> post(String path, Object body) {
        Buffer payload;
        try {
            payload = Buffer.buffer(Api.JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Promise<JsonNode> answer = Promise.promise();
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                        .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json"))
                .compose(request -> request.send(payload))
                .compose(response -> response.body().map(b -> response.statusCode() / 100 == 2 ? parse(b) : null))
                .onComplete(answer);
        return answer.future();
    }

    private static JsonNode parse(Buffer body) {
        try {
            return body.length() == 0 ? Api.JSON.createObjectNode() : Api.JSON.readTree(body.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
