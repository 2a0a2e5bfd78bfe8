package infrastructure.redis;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perHour;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;

import contract.RateLimitRepositoryContract;
import domain.ratelimit.Consumption;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.SharedRedis;

/** The Redis rate limit store against the contract, on a real redis-server, plus its key-space guarantees. */
class RedisRateLimitRepositoryTest extends RateLimitRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    /** 10 a minute, 100 an hour and 1,000 a day. */
    private static final RateLimitPolicy MINUTE_HOUR_DAY = named("daily",
            policy(0, limit(10, 60), limit(100, 3_600), limit(1_000, 86_400)));

    private String prefix;

    @Override
    protected RateLimitRepository newRepository(MutableClock clock) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisRateLimitRepository(REDIS, prefix, clock);
    }

    private List<String> keysUnderPrefix() {
        return RedisInspection.keys(REDIS, prefix + ":*");
    }

    private long redisLong(Command command, String... args) {
        return RedisInspection.integer(REDIS, command, args);
    }

    private Map<String, String> hash(String key) {
        Response reply = await(REDIS.execute(Command.HGETALL, key));
        Map<String, String> fields = new HashMap<>();
        for (String field : reply.getKeys()) {
            fields.put(field, reply.get(field).toString());
        }
        return fields;
    }

    @Test
    void keepsOneHashPerIdentifierWithAnIndexAndTwoCountsPerWindow() {
        startOfAFixedWindowOf(3_600);
        advanceSeconds(61);
        long now = clock.millis();

        assertThat(admittedOf(3, MINUTE_AND_HOUR)).isEqualTo(3);

        assertThat(keysUnderPrefix()).containsExactly(prefix + ":{p:shop}:rl:search:user:ada");
        assertThat(hash(prefix + ":{p:shop}:rl:search:user:ada")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "i60", Long.toString(Math.floorDiv(now, 60_000)), "c60", "3", "p60", "0",
                "i3600", Long.toString(Math.floorDiv(now, 3_600_000)), "c3600", "3", "p3600", "0"));
    }

    @Test
    void keysTheServicesOwnCountersByPrincipalOutsideEveryProject() {
        RateLimitPolicy api = named("api", perHour(100));

        assertThat(consume(RateLimitKey.forApi("key_ada-1"), api, 1).admitted()).isTrue();
        assertThat(consume(RateLimitKey.inProject(BLOG, api.name(), Identifier.of(IdentifierScope.KEY, "key_ada-1")), api, 1)
                .admitted()).isTrue();

        assertThat(keysUnderPrefix()).containsExactlyInAnyOrder(
                prefix + ":{api:key_ada-1}:rl:api:key:key_ada-1",
                prefix + ":{p:blog}:rl:api:key:key_ada-1");
    }

    @Test
    void writesNoKeyForAPeekAndDeletesTheKeyOnReset() {
        consume(TEN_A_MINUTE, 1);
        await(limits.reset(keyOf(TEN_A_MINUTE, ADA)));

        await(limits.peek(keyOf(MINUTE_AND_HOUR, BOB), MINUTE_AND_HOUR));

        assertThat(keysUnderPrefix()).isEmpty();
    }

    @Test
    void checksEveryWindowOfAPolicyInOneScriptRoundTrip() {
        consume(MINUTE_AND_HOUR, 1); // loads the script, if this server had not seen it
        Map<String, Long> before = commandCalls();

        consume(MINUTE_AND_HOUR, 1);

        // Redis counts the commands a script runs as well; the round trips are the EVALSHA calls.
        Map<String, Long> after = commandCalls();
        assertThat(after.get("evalsha") - before.get("evalsha")).isEqualTo(1);
        assertThat(after.getOrDefault("eval", 0L)).isEqualTo(before.getOrDefault("eval", 0L));
    }

    @Test
    void peeksInOneScriptRoundTripToo() {
        consume(MINUTE_AND_HOUR, 1);
        Map<String, Long> before = commandCalls();

        peek(MINUTE_AND_HOUR);

        Map<String, Long> after = commandCalls();
        assertThat(after.get("evalsha") - before.get("evalsha")).isEqualTo(1);
        assertThat(after.getOrDefault("eval", 0L)).isEqualTo(before.getOrDefault("eval", 0L));
    }

    @Test
    void leasesInOneScriptRoundTripIntoTheSameHashAsChecksWithItsTtl() {
        RateLimitKey key = keyOf(MINUTE_AND_HOUR, ADA);
        await(limits.lease(key, MINUTE_AND_HOUR, 2)); // loads the script, if this server had not seen it
        Map<String, Long> before = commandCalls();

        await(limits.lease(key, MINUTE_AND_HOUR, 3));

        Map<String, Long> after = commandCalls();
        assertThat(after.get("evalsha") - before.get("evalsha")).isEqualTo(1);
        assertThat(after.getOrDefault("eval", 0L)).isEqualTo(before.getOrDefault("eval", 0L));
        assertThat(keysUnderPrefix()).containsExactly(prefix + ":{p:shop}:rl:search:user:ada");
        assertThat(redisLong(Command.PTTL, prefix + ":{p:shop}:rl:search:user:ada")).isBetween(1L, 2 * 3_600_000L);
        assertThat(peek(MINUTE_AND_HOUR)).extracting(WindowState::current).containsExactly(5L, 5L);
    }

    @Test
    void givesEveryKeyAPositiveTtlOfAtMostTwoOfItsPolicysLongestWindows() {
        RateLimitPolicy minute = named("minute", policy(0, limit(10, 60)));
        Map<String, Long> longestWindowMillis = Map.of("minute", 60_000L, "search", 3_600_000L, "daily", 86_400_000L,
                "api", 60_000L);
        for (Identifier who : List.of(ADA, BOB, Identifier.of(IdentifierScope.IP, "2001:db8::1"))) {
            consume(keyOf(minute, who), minute, 1);
            consume(keyOf(MINUTE_AND_HOUR, who), MINUTE_AND_HOUR, 1);
            consume(RateLimitKey.inProject(BLOG, MINUTE_HOUR_DAY.name(), who), MINUTE_HOUR_DAY, 1);
        }
        consume(RateLimitKey.forApi("ada"), named("api", policy(0, limit(10, 60))), 1);
        advanceSeconds(30);
        consume(keyOf(minute, ADA), minute, 1);

        List<String> keys = keysUnderPrefix();

        assertThat(keys).hasSize(10);
        assertThat(keys).allSatisfy(k -> {
            String policyName = k.substring(k.indexOf(":rl:") + 4).split(":")[0];
            assertThat(redisLong(Command.PTTL, k)).as("PTTL of " + k)
                    .isPositive()
                    .isLessThanOrEqualTo(2 * longestWindowMillis.get(policyName))
                    .isGreaterThan(2 * longestWindowMillis.get(policyName) - 60_000);
        });
    }

    @Test
    void sharesTheCountsOfAnIdentifierBetweenTwoInstancesExactly() {
        RateLimitRepository other = new RedisRateLimitRepository(RedisClients.dataSource(SharedRedis.server().url()),
                prefix, clock);
        RateLimitPolicy thousand = named("shared", perHour(1_000));
        RateLimitKey key = keyOf(thousand, ADA);

        List<Uni<Boolean>> checks = IntStream.range(0, 4_000)
                .mapToObj(i -> (i % 2 == 0 ? limits : other).consume(key, thousand, 1).map(Consumption::admitted))
                .toList();
        List<Boolean> admitted = await(Uni.join().all(checks).andFailFast());

        assertThat(admitted).filteredOn(a -> a).hasSize(1_000);
        assertThat(await(other.peek(key, thousand)).get(0).current()).isEqualTo(1_000);
    }

    /**
     * The memory one identifier costs under a policy of a minute, an hour and a day, as Redis reports
     * it; printed for docs/benchmarks.md, and bounded so that a layout change that bloats it fails.
     */
    @Test
    void holdsAnIdentifierOfThreeWindowsInAFewHundredBytes() {
        RateLimitKey key = RateLimitKey.inProject(SHOP, MINUTE_HOUR_DAY.name(), Identifier.of(IdentifierScope.USER, "user-000042"));
        consume(key, MINUTE_HOUR_DAY, 1);
        String name = prefix + ":{p:shop}:rl:daily:user:user-000042";

        long bytes = redisLong(Command.MEMORY, "USAGE", name, "SAMPLES", "0");
        String version = await(REDIS.execute(Command.INFO, "server")).toString().lines()
                .filter(l -> l.startsWith("redis_version:")).findFirst().orElse("redis_version:?").trim();

        System.out.printf("Rate limiter memory per identifier: %d bytes (MEMORY USAGE %s, %s, fields %s)%n",
                bytes, name, version, hash(name).keySet());
        assertThat(hash(name)).hasSize(9);
        assertThat(bytes).isBetween(50L, 400L);
    }

    private Map<String, Long> commandCalls() {
        return RedisInspection.commandCalls(REDIS);
    }
}
