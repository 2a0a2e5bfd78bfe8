package infrastructure.redis;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import contract.CacheRepositoryContract;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.SharedRedis;

/**
 * The near cache in front of Redis: the same contract as every cache store, on a real
 * redis-server, plus what makes it a near cache: repeated reads answered in process, never past an
 * entry's expiry, only for the projects it is on for, and no stale copy installed by a read that
 * raced a change (the fill race).
 */
class RedisNearCacheTest extends CacheRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<RedisEntryTracking> trackings = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private String prefix;
    private RedisNearCache near;

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        prefix = "n" + UUID.randomUUID().toString().substring(0, 8);
        near = nearCache(REDIS, clock, project -> !project.value().equals("excluded"), meters, (p, k) -> Uni.createFrom().voidItem());
        return near;
    }

    private RedisNearCache nearCache(ReactiveRedisDataSource redis, MutableClock clock, java.util.function.Predicate<ProjectId> on,
            SimpleMeterRegistry registry, RedisNearCache.BeforeFill beforeFill) {
        RedisNearCache cache = new RedisNearCache(new RedisCacheRepository(redis, prefix, clock, RETENTION, ValueCodecs.standard()),
                new HotEntries(1 << 24, 10_000, Duration.ofMinutes(10), clock), on, registry, beforeFill);
        RedisEntryTracking tracking = new RedisEntryTracking(redis, prefix, Duration.ofMillis(200), Duration.ofMillis(500), cache);
        trackings.add(tracking);
        tracking.start();
        Awaitility.await().atMost(WAIT).until(cache::live);
        return cache;
    }

    @AfterEach
    void stopTracking() {
        trackings.forEach(t -> t.close().await().atMost(WAIT));
    }

    private double reads(SimpleMeterRegistry registry, String result) {
        return registry.counter(RedisNearCache.READS, "result", result).count();
    }

    private long entryReadsInRedis() {
        return RedisInspection.commandCalls(REDIS).getOrDefault("evalsha", 0L);
    }

    @Test
    void answersARepeatedReadWithoutAskingRedis() {
        store(SHOP, "hot", json("1"));
        assertThat(read(SHOP, "hot")).isPresent();
        long before = entryReadsInRedis();

        for (int i = 0; i < 10; i++) {
            assertThat(read(SHOP, "hot")).map(CacheEntry::value).contains("1");
        }

        assertThat(entryReadsInRedis() - before).isZero();
        assertThat(reads(meters, "hit")).isEqualTo(10);
        assertThat(reads(meters, "miss")).isEqualTo(1);
    }

    @Test
    void neverServesACopyPastItsEntrysExpiry() {
        store(SHOP, "short", living("1", 10));
        assertThat(read(SHOP, "short")).isPresent();
        assertThat(near.size()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10));

        assertThat(read(SHOP, "short")).isEmpty();
    }

    @Test
    void holdsNothingOfAProjectItIsOffFor() {
        ProjectId excluded = ProjectId.of("excluded");
        store(excluded, "k", json("1"));

        read(excluded, "k");
        read(excluded, "k");

        assertThat(near.size()).isZero();
        assertThat(reads(meters, "bypass")).isEqualTo(2);
        assertThat(reads(meters, "hit")).isZero();
    }

    @Test
    void aWriteThroughThisInstanceIsReadBackAtOnce() {
        store(SHOP, "k", json("1"));
        assertThat(read(SHOP, "k")).isPresent();

        for (int i = 2; i < 50; i++) {
            store(SHOP, "k", json(Integer.toString(i)));
            assertThat(read(SHOP, "k")).map(CacheEntry::value).contains(Integer.toString(i));
        }
        await(cache.remove(SHOP, Set.of(key("k"))));
        assertThat(read(SHOP, "k")).isEmpty();
    }

    @Test
    void aChangeMadeBehindItsBackIsNotServedOnceRedisReportedIt() {
        store(SHOP, "k", json("1"));
        assertThat(read(SHOP, "k")).isPresent();
        double heard = invalidations();

        REDIS.execute(Command.HSET, new RedisKeys(prefix).entry(SHOP, "k"), "v", "\"behind\"").await().atMost(WAIT);

        Awaitility.await().atMost(WAIT).until(() -> invalidations() > heard);
        assertThat(read(SHOP, "k")).map(CacheEntry::value).contains("\"behind\"");
    }

    private double invalidations() {
        return meters.counter("cache.near.invalidations").count();
    }

    /**
     * Another instance writes while this one's read is between Redis's answer and the fill; the
     * fill waits until Redis's message about that write was heard. The older value must not be
     * installed: the next read returns the newer one.
     */
    @Test
    void aReadThatRacedAnotherInstancesWriteDoesNotInstallTheOlderValue() {
        ReactiveRedisDataSource other = RedisClients.dataSource(SharedRedis.server().url());
        RedisCacheRepository writer = new RedisCacheRepository(other, prefix, clock, RETENTION, ValueCodecs.standard());
        await(writer.put(SHOP, key("raced"), json("1")));
        AtomicBoolean raced = new AtomicBoolean();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisNearCache b = nearCache(REDIS, clock, project -> true, registry, (project, name) -> {
            if (!name.value().equals("raced") || raced.getAndSet(true)) {
                return Uni.createFrom().voidItem();
            }
            double heard = registry.counter("cache.near.invalidations").count();
            return writer.put(project, name, json("2"))
                    .chain(() -> Uni.createFrom().item(() -> registry.counter("cache.near.invalidations").count())
                            .onItem().delayIt().by(Duration.ofMillis(5))
                            .repeat().until(count -> count > heard)
                            .collect().last())
                    .replaceWithVoid();
        });

        Optional<CacheEntry> racing = await(b.find(SHOP, key("raced")));

        assertThat(raced).isTrue();
        assertThat(racing).map(CacheEntry::value).as("the read itself answers what Redis gave it").contains("1");
        assertThat(await(b.find(SHOP, key("raced")))).map(CacheEntry::value).contains("2");
        assertThat(await(b.find(SHOP, key("raced")))).map(CacheEntry::value).as("and holds the newer one").contains("2");
        assertThat(reads(registry, "hit")).isEqualTo(1);
    }

    @Test
    void aRecordingOfReadsIsSeenByTheNextRead() {
        store(SHOP, "k", json("1"));
        assertThat(read(SHOP, "k")).map(CacheEntry::hits).contains(0L);

        await(cache.record(reads(SHOP, 0, hits("k", 5, clock.instant()))));

        assertThat(read(SHOP, "k")).map(CacheEntry::hits).contains(5L);
    }

    @Test
    void holdsNothingWhileTrackingIsOffAndDropsEverythingWhenItIsLost() {
        store(SHOP, "k", json("1"));
        read(SHOP, "k");
        assertThat(near.size()).isEqualTo(1);

        trackings.get(0).close().await().atMost(WAIT);

        assertThat(near.live()).isFalse();
        assertThat(near.size()).isZero();
        read(SHOP, "k");
        read(SHOP, "k");
        assertThat(near.size()).isZero();
        assertThat(reads(meters, "bypass")).isEqualTo(2);
        assertThat(meters.get("cache.near.state").gauge().value()).isZero();
    }

    @Test
    void keysOfOtherKindsAreNotEntries() {
        RedisKeys keys = new RedisKeys("cd");

        assertThat(keys.entryOf(keys.entry(SHOP, "a:b}:c"))).isEqualTo(new RedisKeys.Entry(SHOP, "a:b}:c"));
        assertThat(keys.entryOf("cd:{p:shop}:m")).isNull();
        assertThat(keys.entryOf("cd:c:{p:Not A Project}:k")).isNull();
        assertThat(keys.entryOf("other:c:{p:shop}:k")).isNull();
        assertThat(keys.entryOf(keys.entry(SHOP, CacheKey.of("k")))).isEqualTo(new RedisKeys.Entry(SHOP, "k"));
    }
}
