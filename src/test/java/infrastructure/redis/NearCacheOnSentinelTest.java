package infrastructure.redis;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisSentinels;

/**
 * The near cache through Redis Sentinel, on a master, a replica and three sentinels of this test's
 * own: when the master dies, the near cache is switched off at once, follows the promotion by itself,
 * and hears the new master's changes.
 */
class NearCacheOnSentinelTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ProjectId SHOP = ProjectId.of("shop");

    private static RedisSentinels sentinels;

    private final List<RedisEntryTracking> trackings = new ArrayList<>();

    private record Instance(RedisNearCache cache, SimpleMeterRegistry meters) {

        Optional<CacheEntry> read(String key) {
            return cache.find(SHOP, CacheKey.of(key)).await().atMost(WAIT);
        }

        long write(String key, String value) {
            PutOutcome outcome = cache.put(SHOP, CacheKey.of(key), new CacheWrite(value, Ttl.ofSeconds(600), Set.of(),
                    Precondition.always())).await().atMost(WAIT);
            return ((PutOutcome.Stored) outcome).version();
        }

        double count(String meter) {
            return meters.counter(meter).count();
        }

        double hits() {
            return meters.counter(RedisNearCache.READS, "result", "hit").count();
        }
    }

    @BeforeAll
    static void startSentinels() {
        sentinels = RedisSentinels.start();
    }

    @AfterAll
    static void stopSentinels() {
        sentinels.close();
    }

    @AfterEach
    void stopTracking() {
        trackings.forEach(t -> t.close().await().atMost(WAIT));
    }

    private Instance instance() {
        ReactiveRedisDataSource redis = RedisClients.dataSource(sentinels.options());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisNearCache cache = new RedisNearCache(new RedisCacheRepository(redis, "sn", Clock.systemUTC(), Duration.ofDays(31), ValueCodecs.standard()),
                new HotEntries(1 << 24, 10_000, Duration.ofMinutes(10), Clock.systemUTC()), project -> true, meters);
        RedisEntryTracking tracking = new RedisEntryTracking(RedisTrackedNodes.of(redis, sentinels.options(), RedisClients.vertx()),
                "sn", Duration.ofMillis(200), Duration.ofMillis(500), cache);
        trackings.add(tracking);
        tracking.start();
        return new Instance(cache, meters);
    }

    private static void heldBy(Instance instance, String key) {
        double hits = instance.hits();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).ignoreExceptions().until(() -> {
            instance.read(key);
            return instance.hits() > hits;
        });
    }

    @Test
    void followsAFailoverToThePromotedReplica() {
        Instance a = instance();
        Instance b = instance();
        Awaitility.await().atMost(WAIT).until(() -> a.cache().live() && b.cache().live());
        a.write("k", "1");
        heldBy(b, "k");
        double resets = b.count("cache.near.resets");

        sentinels.master().kill();

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> b.count("cache.near.resets") > resets);
        assertThat(b.cache().size()).isZero();
        // Writes work again once the sentinels promoted the replica; B then never answers the value from before.
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> a.write("k", "2") > 0);
        // B's own connections may still point at the dead master for a moment (its reads fail, the service would answer
        // a degraded miss); the first read that succeeds must see the write.
        Optional<CacheEntry> first = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> b.read("k"), Optional::isPresent);
        assertThat(first).map(CacheEntry::value).contains("2");

        Awaitility.await().atMost(WAIT).until(() -> b.cache().live());
        heldBy(b, "k");
        String clients = RedisClients.dataSource(sentinels.replica().url()).execute(Command.CLIENT, "LIST").await().atMost(WAIT)
                .toString();
        assertThat(clients).as("B tracks on the promoted replica").contains("name=" + RedisEntryTracking.CLIENT_NAME);
        a.write("k", "3");
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> b.read("k").map(CacheEntry::value).orElse("").equals("3"));
    }
}
