package infrastructure.redis;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import contract.CacheRepositoryContract;
import domain.cache.CacheRepository;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.SharedRedis;

/** The Redis cache against the contract, on a real redis-server, plus its key-space guarantees. */
class RedisCacheRepositoryTest extends CacheRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisCacheRepository(REDIS, prefix, clock, RETENTION, ValueCodecs.standard());
    }

    private List<String> keysUnderPrefix() {
        return RedisInspection.keys(REDIS, prefix + ":*");
    }

    private long redisLong(Command command, String... args) {
        return RedisInspection.integer(REDIS, command, args);
    }

    @Test
    void givesEveryKeyItWritesATtl() {
        store(SHOP, "a", tagged("1", "red", "blue"));
        store(SHOP, "b", json("1"));
        read(SHOP, "a");
        read(SHOP, "missing");

        List<String> keys = keysUnderPrefix();

        assertThat(keys).isNotEmpty();
        assertThat(keys).allSatisfy(k -> assertThat(redisLong(Command.PTTL, k)).as("PTTL of " + k).isPositive());
    }

    @Test
    void keepsEveryKeyOfAProjectInOneHashSlot() {
        store(SHOP, "a", tagged("1", "red"));
        store(BLOG, "a", tagged("1", "red"));

        List<String> keys = keysUnderPrefix();

        // Redis Cluster hashes only the text between the first '{' and the next '}'.
        assertThat(keys).hasSizeGreaterThanOrEqualTo(10);
        assertThat(keys).allSatisfy(k -> assertThat(hashTag(k)).isIn("p:shop", "p:blog"));
        assertThat(keys).filteredOn(k -> hashTag(k).equals("p:shop")).hasSize(keys.size() / 2);
    }

    private static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = key.indexOf('}', open + 1);
        return key.substring(open + 1, close);
    }

    @Test
    void dropsExpiredEntriesFromTheTagIndex() {
        IntStream.range(0, 20).forEach(i -> store(SHOP, "old" + i, tagged("1", "red")));
        clock.advance(Duration.ofSeconds(61));

        store(SHOP, "new", tagged("1", "red"));

        assertThat(redisLong(Command.ZCARD, prefix + ":{p:shop}:t:red")).isEqualTo(1);
    }

    @Test
    void reclaimsExpiredNamesFromTheKeyIndexes() {
        IntStream.range(0, 64).forEach(i -> store(SHOP, "old" + i, json("1")));
        clock.advance(Duration.ofSeconds(61));

        IntStream.range(0, 4).forEach(i -> store(SHOP, "new" + i, json("1")));

        assertThat(redisLong(Command.ZCARD, prefix + ":{p:shop}:k")).isEqualTo(4);
        assertThat(redisLong(Command.ZCARD, prefix + ":{p:shop}:x")).isEqualTo(4);
    }

    @Test
    void leavesOnlyTheVersionSequenceAfterAClear() {
        IntStream.range(0, 30).forEach(i -> store(SHOP, "k" + i, tagged("1", "t" + (i % 3))));

        await(cache.removeAll(SHOP));

        assertThat(keysUnderPrefix()).containsExactly(prefix + ":{p:shop}:m");
    }

    @Test
    void handsOutNoEarlierVersionWhenTheSequenceKeyVanishesUnderALiveEntry() {
        long before = store(SHOP, "k", json("1")).version();
        // expiry after the retention, eviction under an allkeys-* policy, or a failover that lost it
        redisLong(Command.DEL, prefix + ":{p:shop}:m");
        clock.advance(Duration.ofMillis(1));

        PutOutcome.Stored after = store(SHOP, "k", json("2"));

        assertThat(after.version()).isGreaterThan(before);
        assertThat(await(cache.put(SHOP, key("k"), json("3", new Precondition.IfVersion(before)))))
                .isInstanceOf(PutOutcome.PreconditionFailed.class);
        assertThat(read(SHOP, "k").orElseThrow().version()).isEqualTo(after.version());
    }

    @Test
    void writesInOneScriptAndReadsInOneScript() {
        store(SHOP, "warm", json("1"));
        read(SHOP, "warm");
        Map<String, Long> before = commandCalls();

        store(SHOP, "k", tagged("1", "red"));
        Map<String, Long> written = commandCalls();
        read(SHOP, "k");
        Map<String, Long> read = commandCalls();

        // Redis counts the commands a script runs as well; the round trips are the EVALSHA calls.
        assertThat(written.get("evalsha") - before.get("evalsha")).isEqualTo(1);
        assertThat(written.getOrDefault("eval", 0L)).isEqualTo(before.getOrDefault("eval", 0L));
        // The read script runs two HMGETs: the entry and its statistics.
        assertThat(callsBetween(written, read)).containsExactly(Map.entry("evalsha", 1L), Map.entry("hmget", 2L));
    }

    /** Commands called between two snapshots, but for the INFO that took the second one. */
    private static Map<String, Long> callsBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> calls = new java.util.TreeMap<>();
        after.forEach((command, n) -> {
            long delta = n - before.getOrDefault(command, 0L);
            if (delta > 0 && !command.equals("info")) {
                calls.put(command, delta);
            }
        });
        return calls;
    }

    private Map<String, Long> commandCalls() {
        return RedisInspection.commandCalls(REDIS);
    }
}
