package infrastructure.redis;

import org.junit.jupiter.api.AfterEach;
import static org.assertj.core.api.Assertions.assertThat;

import contract.ProgressRepositoryContract;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressRepository;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.RedisServer;
import support.SharedRedis;

/** The Redis progress store against the contract, on a real redis-server, plus its key space and several instances. */
class RedisProgressRepositoryTest extends ProgressRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;

    /** Every repository a test made: each may hold a pooled connection for its subscription. */
    private final List<RedisProgressRepository> made = new ArrayList<>();

    @AfterEach
    void closeRepositories() {
        made.forEach(r -> r.close().await().atMost(Duration.ofSeconds(5)));
    }

    private RedisProgressRepository kept(RedisProgressRepository repository) {
        made.add(repository);
        return repository;
    }

    @Override
    protected ProgressRepository newRepository(MutableClock clock, ProgressRepository.Retention retention) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return kept(new RedisProgressRepository(REDIS, prefix, clock, retention));
    }

    /** Redis expires keys in real time: the caller's bounded wait lets the time pass. */
    @Override
    protected void letTimePass(Duration duration) {
    }

    /** Another service instance on the same Redis and prefix, with its own connections. */
    private RedisProgressRepository instance() {
        return kept(new RedisProgressRepository(RedisClients.dataSource(SharedRedis.server().url()), prefix, clock, RETENTION));
    }

    private String stateKey(String project, String id) {
        return prefix + ":{p:" + project + "}:pg:" + id;
    }

    private String eventsKey(String project, String id) {
        return prefix + ":{p:" + project + "}:pe:" + id;
    }

    private long redisLong(Command command, String... args) {
        return RedisInspection.integer(REDIS, command, args);
    }

    @Test
    void resumesLiveDeliveryAfterRedisRestartsOnceAFollowerCatchesUp() {
        try (RedisServer own = RedisServer.start()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(own.isControllable(), "needs a redis-server this test can restart");
            RedisProgressRepository service = kept(new RedisProgressRepository(RedisClients.dataSource(own.url()), "r", clock, RETENTION));
            RedisProgressRepository writer = kept(new RedisProgressRepository(RedisClients.dataSource(own.url()), "r", clock, RETENTION));
            assertThat(await(service.start(operationOf(SHOP, IMPORT, 100)))).isTrue();
            AssertSubscriber<ProgressEvent> follower = follower(service, SHOP, IMPORT);
            await(writer.record(SHOP, IMPORT, step("before")));
            follower.awaitItems(1, DELIVERY);

            own.stop(true);
            own.restart();
            // The follower's heartbeat catch-up: it reads the history, and makes the lost subscription again.
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
                await(service.eventsAfter(SHOP, IMPORT, 2));
                await(writer.record(SHOP, IMPORT, step("probe")));
                return follower.getItems().size() > 1;
            });

            assertThat(follower.getItems().get(1).message()).isEqualTo("probe");
            follower.cancel();
        }
    }

    @Test
    void makesALostSubscriptionAgainByItselfWhileAnyoneFollows() {
        try (RedisServer own = RedisServer.start()) {
            ReactiveRedisDataSource redis = RedisClients.dataSource(own.url());
            RedisProgressRepository service = kept(new RedisProgressRepository(redis, "k", clock, RETENTION));
            RedisProgressRepository writer = kept(new RedisProgressRepository(RedisClients.dataSource(own.url()), "k", clock, RETENTION));
            assertThat(await(service.start(operationOf(SHOP, IMPORT, 100)))).isTrue();
            AssertSubscriber<ProgressEvent> follower = follower(service, SHOP, IMPORT);

            // As a failover does: the subscribed connection ends under the service.
            await(redis.execute(Command.CLIENT, "KILL", "TYPE", "pubsub"));
            // No catch-up from history here (no eventsAfter): only live delivery can bring the probe.
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                await(writer.record(SHOP, IMPORT, step("probe")));
                return !follower.getItems().isEmpty();
            });

            assertThat(follower.getItems().get(0).message()).isEqualTo("probe");
            follower.cancel();
        }
    }

    // --- the operation indexes

    @Test
    void reclaimsIndexEntriesOfExpiredOperationsOnTheNextStartAndGivesTheIndexesATtl() {
        Duration ttl = Duration.ofSeconds(1);
        progress = newRepository(clock, new ProgressRepository.Retention(100, ttl));
        for (int i = 0; i < 5; i++) {
            started(SHOP, domain.progress.ProgressId.of("old-" + i), 10);
        }
        String index = prefix + ":{p:shop}:pgl";
        String expiries = prefix + ":{p:shop}:pgx";
        assertThat(redisLong(Command.ZCARD, index)).isEqualTo(5);
        assertThat(redisLong(Command.PTTL, expiries)).isBetween(1L, ttl.toMillis());

        // The index is pruned by the clock the adapter is given: move it past the expiry.
        clock.advance(ttl.plusMillis(1));
        started(SHOP, domain.progress.ProgressId.of("new"), 10);

        assertThat(redisLong(Command.ZCARD, index)).isEqualTo(1);
        assertThat(redisLong(Command.ZCARD, expiries)).isEqualTo(1);
    }

    // --- several instances

    @Test
    void deliversToAFollowerOnOneInstanceTheEventsRecordedThroughAnother() {
        RedisProgressRepository a = instance();
        RedisProgressRepository b = instance();
        assertThat(await(b.start(operationOf(SHOP, IMPORT, 10)))).isTrue();
        AssertSubscriber<ProgressEvent> onA = follower(a, SHOP, IMPORT);

        for (int i = 1; i <= 5; i++) {
            await(b.record(SHOP, IMPORT, step("via b " + i)));
        }
        await(b.record(SHOP, IMPORT, new ProgressChange.Complete("done via b")));

        List<ProgressEvent> received = onA.awaitItems(6, DELIVERY).getItems();
        assertThat(received).isEqualTo(await(a.eventsAfter(SHOP, IMPORT, 1)).events());
        assertThat(sequences(received)).isEqualTo(sequencesFrom(2, 7));
        assertThat(received).extracting(ProgressEvent::message)
                .containsExactly("via b 1", "via b 2", "via b 3", "via b 4", "via b 5", "done via b");
        onA.cancel();
    }

    @Test
    void deliversToFollowersOnEveryInstanceAndOnlyOfTheirOwnPrefix() {
        RedisProgressRepository a = instance();
        RedisProgressRepository b = instance();
        RedisProgressRepository stranger = kept(new RedisProgressRepository(REDIS, prefix + "x", clock, RETENTION));
        assertThat(await(a.start(operationOf(SHOP, IMPORT, 10)))).isTrue();
        assertThat(await(stranger.start(operationOf(SHOP, IMPORT, 10)))).isTrue();
        AssertSubscriber<ProgressEvent> onA = follower(a, SHOP, IMPORT);
        AssertSubscriber<ProgressEvent> onB = follower(b, SHOP, IMPORT);
        AssertSubscriber<ProgressEvent> ofStranger = follower(stranger, SHOP, IMPORT);

        await(stranger.record(SHOP, IMPORT, step("stranger")));
        await(a.record(SHOP, IMPORT, step("from a")));
        await(b.record(SHOP, IMPORT, step("from b")));

        // Redis delivers in publish order: a leaked event of the other prefix would come first.
        assertThat(onA.awaitItems(2, DELIVERY).getItems()).extracting(ProgressEvent::message).containsExactly("from a", "from b");
        assertThat(onB.awaitItems(2, DELIVERY).getItems()).extracting(ProgressEvent::message).containsExactly("from a", "from b");
        assertThat(ofStranger.awaitItems(1, DELIVERY).getItems()).extracting(ProgressEvent::message).containsExactly("stranger");
        List.of(onA, onB, ofStranger).forEach(AssertSubscriber::cancel);
    }

    @Test
    void deliversEveryEventInOrderToAThousandConcurrentFollowers() {
        started(SHOP, IMPORT, 20);
        List<AssertSubscriber<ProgressEvent>> followers = new ArrayList<>();
        IntStream.range(0, 1_000).forEach(i -> followers.add(await(progress.follow(SHOP, IMPORT)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE))));
        followers.forEach(f -> f.awaitSubscription(WAIT));

        recordSteps(SHOP, IMPORT, 19);
        recorded(SHOP, IMPORT, new ProgressChange.Complete("done"));

        List<Long> all = sequencesFrom(2, 21);
        for (AssertSubscriber<ProgressEvent> f : followers) {
            assertThat(sequences(f.awaitItems(20, DELIVERY).getItems())).isEqualTo(all);
        }
        followers.forEach(AssertSubscriber::cancel);
    }

    // --- the key space

    @Test
    void keepsTheStateInAHashAndTheEventsInAStreamUnderTheProjectHashTag() {
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 2);

        assertThat(RedisInspection.keys(REDIS, prefix + ":*"))
                .containsExactlyInAnyOrder(stateKey("shop", IMPORT.value()), eventsKey("shop", IMPORT.value()),
                        prefix + ":{p:shop}:pgl", prefix + ":{p:shop}:pgx");
        assertThat(await(REDIS.execute(Command.TYPE, stateKey("shop", IMPORT.value()))).toString()).isEqualTo("hash");
        assertThat(await(REDIS.execute(Command.TYPE, eventsKey("shop", IMPORT.value()))).toString()).isEqualTo("stream");
        assertThat(await(REDIS.execute(Command.HGET, stateKey("shop", IMPORT.value()), "seq")).toLong()).isEqualTo(3);
        assertThat(streamIds(eventsKey("shop", IMPORT.value()))).containsExactly("0-1", "0-2", "0-3");
    }

    private List<String> streamIds(String key) {
        Response entries = await(REDIS.execute(Command.XRANGE, key, "-", "+"));
        List<String> ids = new ArrayList<>();
        entries.forEach(e -> ids.add(e.get(0).toString()));
        return ids;
    }

    @Test
    void givesBothKeysAnExpiryOfTheTtlAfterStartAndAfterEveryRecord() {
        long ttl = RETENTION.ttl().toMillis();
        started(SHOP, IMPORT, 10);
        assertThat(redisLong(Command.PTTL, stateKey("shop", IMPORT.value()))).isBetween(ttl - 5_000, ttl);
        assertThat(redisLong(Command.PTTL, eventsKey("shop", IMPORT.value()))).isBetween(ttl - 5_000, ttl);
        // Shortened by hand, so only the record can explain a PTTL close to the ttl again.
        redisLong(Command.PEXPIRE, stateKey("shop", IMPORT.value()), "60000");
        redisLong(Command.PEXPIRE, eventsKey("shop", IMPORT.value()), "60000");

        recorded(SHOP, IMPORT, steps(1));

        assertThat(redisLong(Command.PTTL, stateKey("shop", IMPORT.value()))).isBetween(ttl - 5_000, ttl);
        assertThat(redisLong(Command.PTTL, eventsKey("shop", IMPORT.value()))).isBetween(ttl - 5_000, ttl);
    }

    @Test
    void leavesTheExpiryAloneWhenAChangeIsRefused() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, new ProgressChange.Complete("done"));
        redisLong(Command.PEXPIRE, stateKey("shop", IMPORT.value()), "60000");
        redisLong(Command.PEXPIRE, eventsKey("shop", IMPORT.value()), "60000");

        record(SHOP, IMPORT, steps(1));

        assertThat(redisLong(Command.PTTL, stateKey("shop", IMPORT.value()))).isBetween(1L, 60_000L);
        assertThat(redisLong(Command.PTTL, eventsKey("shop", IMPORT.value()))).isBetween(1L, 60_000L);
    }

    @Test
    void neverHoldsMoreThanTheRetainedEventsInTheStream() {
        progress = newRepository(clock, new ProgressRepository.Retention(5, RETENTION.ttl()));
        started(SHOP, IMPORT, 100);

        for (int i = 1; i <= 20; i++) {
            recorded(SHOP, IMPORT, steps(1));
            assertThat(redisLong(Command.XLEN, eventsKey("shop", IMPORT.value()))).as("XLEN after " + i).isLessThanOrEqualTo(5);
        }
        assertThat(streamIds(eventsKey("shop", IMPORT.value()))).containsExactly("0-17", "0-18", "0-19", "0-20", "0-21");
    }

    @Test
    void writesNothingForAChangeToAnUnknownOperation() {
        record(SHOP, IMPORT, steps(1));
        await(progress.find(SHOP, IMPORT));
        await(progress.eventsAfter(SHOP, IMPORT, 0));

        assertThat(RedisInspection.keys(REDIS, prefix + ":*")).isEmpty();
    }
}
