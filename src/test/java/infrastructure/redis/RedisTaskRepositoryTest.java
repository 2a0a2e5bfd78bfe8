package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.TaskRepositoryContract;
import domain.task.ClaimRequest;
import domain.task.NewTask;
import domain.task.QueueSettings;
import domain.task.QueueSignal;
import domain.task.Task;
import domain.task.TaskOutcome;
import domain.task.TaskRepository;
import domain.task.TaskState;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.mutiny.redis.client.Command;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.RedisServer;
import support.SharedRedis;

/**
 * The Redis task store against the contract, on a real redis-server, plus its key space and
 * expiries, several instances on one Redis, and a restart with the append-only file.
 */
class RedisTaskRepositoryTest extends TaskRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());
    private static final List<String> SCRIPTS = List.of("enqueue", "claim", "heartbeat", "complete", "fail", "cancel", "redrive",
            "counts", "list", "find");

    private String prefix;
    /** Every repository a test made: each may hold a pooled connection for its subscription. */
    private final List<RedisTaskRepository> made = new ArrayList<>();

    @AfterEach
    void closeRepositories() {
        made.forEach(r -> r.close().await().atMost(Duration.ofSeconds(5)));
    }

    private RedisTaskRepository kept(RedisTaskRepository repository) {
        made.add(repository);
        return repository;
    }

    @Override
    protected TaskRepository newRepository(MutableClock clock, TaskRepository.Retention retention, QueueSettings defaults,
            DoubleSupplier jitter) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return kept(new RedisTaskRepository(REDIS, prefix, clock, retention, defaults, jitter));
    }

    /** The scripts judge retention by the clock they are given; Redis's own expiries only tidy up. */
    @Override
    protected void letTimePass(Duration duration) {
    }

    /** Another service instance on the same Redis and prefix, with its own connections. */
    private RedisTaskRepository instance() {
        return kept(new RedisTaskRepository(RedisClients.dataSource(SharedRedis.server().url()), prefix, clock, RETENTION, SETTINGS,
                () -> jitter));
    }

    private String queueKey(String suffix) {
        return prefix + ":{p:shop}:q:emails:" + suffix;
    }

    private long redisLong(Command command, String... args) {
        return RedisInspection.integer(REDIS, command, args);
    }

    // --- the key space

    @Test
    void keepsAQueuesKeysUnderTheProjectHashTagSoEveryScriptRunsOnOneClusterSlot() {
        enqueued(email("a").withIdempotencyKey("k1"));
        enqueued(email("b").delayedBy(Duration.ofMinutes(1)));
        Task running = claimedOne();
        await(tasks.saveSettings(SHOP, EMAILS, SETTINGS));

        List<String> keys = RedisInspection.keys(REDIS, prefix + ":*");

        assertThat(keys).containsExactlyInAnyOrder(queueKey("t"), queueKey("b"), queueKey("l"), queueKey("w"), queueKey("m"),
                queueKey("c"), queueKey("s:scheduled"), queueKey("s:running"), queueKey("i:k1"));
        assertThat(keys).allMatch(k -> k.startsWith(prefix + ":{p:shop}:") && k.indexOf('{', prefix.length() + 2) < 0);
        assertThat(await(REDIS.execute(Command.ZSCORE, queueKey("w"), running.id().value())).toLong())
                .isEqualTo(running.lease().orElseThrow().expiresAt().toEpochMilli());
    }

    @Test
    void givesLiveTasksNoExpiryAndTheIdempotencyKeyItsWindow() {
        enqueued(email("a").withIdempotencyKey("k1"));

        assertThat(redisLong(Command.PTTL, queueKey("t"))).isEqualTo(-1);
        assertThat(redisLong(Command.PTTL, queueKey("r"))).isEqualTo(-1);
        assertThat(redisLong(Command.PTTL, queueKey("i:k1"))).isBetween(RETENTION.idempotencyWindow().toMillis() - 5_000,
                RETENTION.idempotencyWindow().toMillis());
    }

    @Test
    void letsEveryKeyOfAQueueWithOnlyFinishedTasksExpireWithTheLastOfThem() {
        enqueued(email("a"));
        doneTask(complete(claimedOne()));
        long ttl = RETENTION.statusTtl().toMillis();

        assertThat(RedisInspection.keys(REDIS, prefix + ":*")).containsExactlyInAnyOrder(queueKey("t"), queueKey("b"),
                queueKey("m"), queueKey("x"), queueKey("s:succeeded"));
        for (String key : List.of("t", "b", "m", "x", "s:succeeded")) {
            assertThat(redisLong(Command.PTTL, queueKey(key))).as(key).isBetween(ttl - 5_000, ttl);
        }
    }

    @Test
    void aQueueThatWakesUpAfterGoingIdleKeepsEveryKeyWithoutExpiryAgain() {
        enqueued(email("a"));
        doneTask(complete(claimedOne()));
        assertThat(redisLong(Command.PTTL, queueKey("t"))).as("idle: the records expire").isPositive();

        enqueued(email("b"));

        for (String key : List.of("t", "b", "m", "x", "s:succeeded", "r", "s:queued")) {
            assertThat(redisLong(Command.PTTL, queueKey(key))).as(key).isEqualTo(-1);
        }
    }

    @Test
    void scriptsRangeOverTheQueuesSetsOnlyOnceSomethingInThemIsDue() {
        await(tasks.enqueueAll(IntStream.range(0, 40).mapToObj(i -> email("u" + i)).toList()));
        long before = RedisInspection.commandCalls(REDIS).getOrDefault("zrangebyscore", 0L);

        for (int i = 0; i < 20; i++) {
            doneTask(complete(claimedOne()));
        }
        long whileNothingWasDue = RedisInspection.commandCalls(REDIS).getOrDefault("zrangebyscore", 0L) - before;
        clock.advance(RETENTION.statusTtl());
        counts();
        long afterRetention = RedisInspection.commandCalls(REDIS).getOrDefault("zrangebyscore", 0L) - before;

        // Other tests' scripts may run on the shared server meanwhile: a handful, never one per call.
        assertThat(whileNothingWasDue).as("40 scripts with nothing due").isLessThan(10);
        assertThat(afterRetention - whileNothingWasDue).as("upkeep once the finished tasks' retention passed").isPositive();
        assertThat(counts().of(TaskState.SUCCEEDED)).isZero();
        assertThat(counts().of(TaskState.QUEUED)).isEqualTo(20);
    }

    @Test
    void leavesNoRecordOrIndexEntryOfAFinishedTaskAfterItsRetention() {
        Task kept = enqueued(email("still queued"));
        Task done = enqueued(email("done").withPriority(5));
        doneTask(complete(claimedOne()));
        Task dead = enqueued(email("dead").withPriority(5).withMaxAttempts(1));
        doneTask(fail(claimedOne()));

        clock.advance(SETTINGS.deadLetterRetention());
        assertThat(counts().of(TaskState.QUEUED)).isEqualTo(1);

        for (String hash : List.of("t", "b")) {
            assertThat(redisLong(Command.HLEN, queueKey(hash))).as(hash).isEqualTo(1);
            assertThat(redisLong(Command.HEXISTS, queueKey(hash), done.id().value())).isZero();
            assertThat(redisLong(Command.HEXISTS, queueKey(hash), dead.id().value())).isZero();
        }
        assertThat(RedisInspection.keys(REDIS, prefix + ":*")).containsExactlyInAnyOrder(queueKey("t"), queueKey("b"),
                queueKey("m"), queueKey("r"), queueKey("s:queued"));
        assertThat(current(kept.ref()).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void leavesNoKeyAtAllOnceEveryTaskOfTheQueueOutlivedItsRetention() {
        enqueued(email("a"));
        doneTask(complete(claimedOne()));
        Task cancelled = enqueued(email("c"));
        doneTask(await(tasks.cancel(cancelled.ref())));

        clock.advance(RETENTION.statusTtl());
        counts();

        assertThat(RedisInspection.keys(REDIS, prefix + ":*")).isEmpty();
    }

    @Test
    void everyTaskScriptRunsTheQueueRulesOfTheOneLibrary() {
        for (String script : SCRIPTS) {
            String source = LuaScript.load("task_" + script).source();
            assertThat(source).as(script).contains("local function place(id, task)").doesNotContain("-- #include");
        }
    }

    @Test
    void claimsManyTasksInOneRoundTrip() {
        await(tasks.enqueueAll(IntStream.range(0, 32).mapToObj(i -> email("u" + i)).toList()));
        long before = RedisInspection.commandCalls(REDIS).getOrDefault("evalsha", 0L);

        List<Task> claimed = await(tasks.claim(SHOP, EMAILS, ClaimRequest.upTo(32))).tasks();

        assertThat(claimed).hasSize(32);
        // Other tests' scripts may run on the shared server meanwhile: at most a handful more, never 32.
        assertThat(RedisInspection.commandCalls(REDIS).getOrDefault("evalsha", 0L) - before).isLessThan(8);
    }

    // --- several instances

    @Test
    void anEnqueueThroughOneInstanceWakesAWatcherOnAnother() {
        RedisTaskRepository a = instance();
        RedisTaskRepository b = instance();
        AssertSubscriber<QueueSignal> onA = watcher(a, SHOP, EMAILS);

        await(b.enqueue(email("ada")));

        assertThat(onA.awaitItems(1, WAIT).getItems()).containsExactly(new QueueSignal(SHOP, EMAILS));
        assertThat(await(a.claim(SHOP, EMAILS, ClaimRequest.one())).tasks()).hasSize(1);
        onA.cancel();
    }

    @Test
    void aWatcherHearsNothingOfAnotherPrefixOrOfADelayedTask() {
        RedisTaskRepository stranger = kept(new RedisTaskRepository(REDIS, prefix + "x", clock, RETENTION, SETTINGS));
        AssertSubscriber<QueueSignal> watcher = watcher(SHOP, EMAILS);

        await(stranger.enqueue(email("stranger")));
        enqueued(email("later").delayedBy(Duration.ofMinutes(1)));
        enqueued(NewTask.of(SHOP, EMAILS, "{\"n\":1}"));

        // Redis delivers in publish order: a stray signal would come before the one expected.
        watcher.awaitItems(1, WAIT);
        Awaitility.await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> watcher.getItems().size() == 1);
        watcher.cancel();
    }

    // --- durability

    @Test
    void losesNoQueuedOrLeasedTaskWhenRedisIsKilledAndRestartsFromItsAppendOnlyFile() throws IOException {
        try (RedisServer own = RedisServer.start()) {
            Assumptions.assumeTrue(own.isControllable(), "needs a redis-server this test can kill and restart");
            own.command("CONFIG SET appendonly yes");
            own.command("CONFIG SET appendfsync always");
            Awaitility.await().atMost(WAIT).until(() -> aofReady(own));
            RedisTaskRepository before = kept(new RedisTaskRepository(RedisClients.dataSource(own.url()), "r", clock, RETENTION, SETTINGS));
            await(before.enqueueAll(IntStream.range(0, 10).mapToObj(i -> email("u" + i)).toList()));
            List<Task> leased = await(before.claim(SHOP, EMAILS, ClaimRequest.upTo(3))).tasks();

            own.kill();
            own.restart("--appendonly", "yes");

            RedisTaskRepository after = kept(new RedisTaskRepository(RedisClients.dataSource(own.url()), "r", clock, RETENTION, SETTINGS));
            for (Task task : leased) {
                assertThat(await(after.find(task.ref()))).contains(task);
            }
            assertThat(await(after.counts(SHOP, EMAILS)).of(TaskState.QUEUED)).isEqualTo(7);
            assertThat(await(after.claim(SHOP, EMAILS, ClaimRequest.upTo(10))).tasks()).hasSize(7);
            Task first = leased.get(0);
            assertThat(await(after.complete(first.ref(), tokenOf(first), java.util.Optional.empty())))
                    .isInstanceOf(TaskOutcome.Done.class);
        }
    }

    /** True once the AOF is on and its first rewrite ended: from then on every acknowledged write is in it. */
    private static boolean aofReady(RedisServer server) {
        return infoField(server, "aof_enabled").equals("1") && infoField(server, "aof_rewrite_in_progress").equals("0")
                && infoField(server, "aof_rewrite_scheduled").equals("0");
    }

    private static String infoField(RedisServer server, String field) {
        String info = RedisClients.dataSource(server.url()).execute(Command.INFO, "persistence").await().atMost(WAIT).toString();
        return info.lines().filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).trim()).findFirst().orElse("");
    }
}
