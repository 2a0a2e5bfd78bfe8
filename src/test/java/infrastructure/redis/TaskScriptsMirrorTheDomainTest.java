package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.NewTask;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.RetryPolicy;
import domain.task.Task;
import domain.task.TaskId;
import domain.task.TaskOutcome;
import domain.task.TaskRepository;
import domain.task.TaskState;
import infrastructure.memory.InMemoryTaskRepository;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.SharedRedis;

/**
 * The Lua scripts mirror the domain's transitions: the same random run of operations, on one clock,
 * gives the same outcomes and the same tasks in the Redis store as in the in-memory store, which
 * applies {@link Task}'s transitions themselves. Ids and lease tokens are random per store, so they
 * are compared through the pairs each step makes.
 */
class TaskScriptsMirrorTheDomainTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final QueueName JOBS = QueueName.of("jobs");
    private static final QueueSettings SETTINGS = QueueSettings.DEFAULT
            .withRetry(new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(20), 3)).withDefaultLease(Duration.ofSeconds(15))
            .withDeadLetterRetention(Duration.ofMinutes(30));
    private static final TaskRepository.Retention RETENTION = new TaskRepository.Retention(Duration.ofMinutes(10), Duration.ofMinutes(20));
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock();
    private final TaskRepository memory = new InMemoryTaskRepository(clock, RETENTION, SETTINGS, () -> 0.37);
    private final RedisTaskRepository redis = new RedisTaskRepository(RedisClients.dataSource(SharedRedis.server().url()),
            "m" + UUID.randomUUID().toString().substring(0, 8), clock, RETENTION, SETTINGS, () -> 0.37);
    /** The Redis id of each task, by its in-memory id. */
    private final Map<TaskId, TaskId> pairs = new HashMap<>();
    /** Every claim so far, as each store answered it: workers act on these, stale ones included. */
    private final List<Task[]> claims = new ArrayList<>();

    @AfterEach
    void close() {
        redis.close().await().atMost(WAIT);
    }

    @Test
    void theRedisStoreEndsEveryStepOfARandomRunWhereTheDomainDoes() {
        Random random = new Random(20261201);
        for (int step = 0; step < 600; step++) {
            int dice = random.nextInt(100);
            String what = "step " + step;
            if (dice < 25) {
                NewTask task = NewTask.of(SHOP, JOBS, "{\"step\":" + step + "}").withPriority(random.nextInt(5) - 2)
                        .withMaxAttempts(1 + random.nextInt(3))
                        .delayedBy(random.nextInt(10) < 7 ? Duration.ZERO : Duration.ofSeconds(1 + random.nextInt(60)));
                if (random.nextInt(5) == 0) {
                    task = task.withIdempotencyKey("k" + random.nextInt(5));
                }
                enqueue(task, what);
            } else if (dice < 45) {
                ClaimRequest request = ClaimRequest.upTo(1 + random.nextInt(4));
                if (random.nextBoolean()) {
                    request = request.leasedFor(Duration.ofSeconds(5 + random.nextInt(35)));
                }
                List<Task> m = await(memory.claim(SHOP, JOBS, request)).tasks();
                List<Task> r = await(redis.claim(SHOP, JOBS, request)).tasks();
                assertThat(r).as(what).hasSameSizeAs(m);
                for (int i = 0; i < m.size(); i++) {
                    assertSame(m.get(i), r.get(i), what);
                    claims.add(new Task[] {m.get(i), r.get(i)});
                }
            } else if (dice < 80 && !claims.isEmpty()) {
                Task[] claim = claims.get(random.nextInt(claims.size()));
                int op = random.nextInt(4);
                Optional<Duration> extension = random.nextBoolean() ? Optional.empty() : Optional.of(Duration.ofSeconds(1 + random.nextInt(30)));
                boolean retryable = random.nextInt(5) > 0;
                assertSame(change(memory, claim[0], op, extension, retryable), change(redis, claim[1], op, extension, retryable), what);
            } else if (dice < 85 && !pairs.isEmpty()) {
                TaskId id = new ArrayList<>(pairs.keySet()).get(random.nextInt(pairs.size()));
                assertSame(await(memory.cancel(ref(id))), await(redis.cancel(ref(pairs.get(id)))), what);
            } else if (dice < 87) {
                assertThat(await(redis.redrive(SHOP, JOBS, Optional.empty()))).as(what)
                        .isEqualTo(await(memory.redrive(SHOP, JOBS, Optional.empty())));
            } else {
                clock.advance(Duration.ofMillis(random.nextInt(10) == 0 ? 600_000 : random.nextInt(20_000)));
            }
            assertThat(await(redis.counts(SHOP, JOBS))).as(what).isEqualTo(await(memory.counts(SHOP, JOBS)));
        }
        for (TaskState state : TaskState.values()) {
            List<Task> m = await(memory.list(SHOP, JOBS, state, 0, 1000)).items();
            List<Task> r = await(redis.list(SHOP, JOBS, state, 0, 1000)).items();
            assertThat(r).as(state.name()).hasSameSizeAs(m);
            for (int i = 0; i < m.size(); i++) {
                assertSame(m.get(i), r.get(i), state.name());
            }
        }
        assertThat(claims).as("the run claimed tasks").hasSizeGreaterThan(50);
    }

    private void enqueue(NewTask task, String what) {
        EnqueueOutcome m = await(memory.enqueue(task));
        EnqueueOutcome r = await(redis.enqueue(task));
        assertThat(r.getClass()).as(what).isEqualTo(m.getClass());
        if (m instanceof EnqueueOutcome.Enqueued e) {
            Task other = ((EnqueueOutcome.Enqueued) r).task();
            pairs.put(e.task().id(), other.id());
            assertSame(e.task(), other, what);
        } else if (m instanceof EnqueueOutcome.Repeated repeated) {
            assertSame(repeated.task(), ((EnqueueOutcome.Repeated) r).task(), what);
        }
    }

    private static TaskOutcome change(TaskRepository store, Task claimed, int op, Optional<Duration> extension, boolean retryable) {
        return await(switch (op) {
            case 0 -> store.heartbeat(claimed.ref(), claimed.lease().orElseThrow().token(), extension);
            case 1 -> store.complete(claimed.ref(), claimed.lease().orElseThrow().token(), Optional.of("{\"ok\":1}"));
            case 2 -> store.fail(claimed.ref(), claimed.lease().orElseThrow().token(), "boom", retryable);
            default -> store.cancel(claimed.ref());
        });
    }

    private void assertSame(TaskOutcome m, TaskOutcome r, String what) {
        assertThat(r.getClass()).as(what + ": " + m + " vs " + r).isEqualTo(m.getClass());
        if (m instanceof TaskOutcome.Done done) {
            assertSame(done.task(), ((TaskOutcome.Done) r).task(), what);
        } else if (m instanceof TaskOutcome.Cancelled cancelled) {
            assertSame(cancelled.task(), ((TaskOutcome.Cancelled) r).task(), what);
        } else {
            assertThat(r).as(what).isEqualTo(m);
        }
    }

    /** Same task, but for the id (paired) and the lease token's random part (compared by its fencing number). */
    private void assertSame(Task m, Task r, String what) {
        assertThat(r.id()).as(what).isEqualTo(pairs.get(m.id()));
        assertThat(comparable(r)).as(what).isEqualTo(comparable(m));
    }

    private static List<Object> comparable(Task t) {
        Optional<String> fencing = t.lease().map(l -> l.token().value().substring(l.token().value().lastIndexOf('.') + 1));
        Optional<Instant> leaseEnd = t.lease().map(l -> l.expiresAt());
        return List.of(t.payload(), t.state(), t.attempt(), t.maxAttempts(), t.priority(), t.sequence(), t.runAt(), fencing, leaseEnd,
                t.fencingToken(), t.idempotencyKey(), t.result(), t.lastError(), t.cancelRequested(), t.createdAt(), t.updatedAt(),
                t.finishedAt());
    }

    private static domain.task.TaskRef ref(TaskId id) {
        return domain.task.TaskRef.of(SHOP, JOBS, id);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }
}
