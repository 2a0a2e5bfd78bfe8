package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.keyFor;

import domain.access.Revocations;
import infrastructure.config.RedisClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.restassured.response.Response;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisInspection;
import support.RedisStoreProfile;
import support.SharedRedis;

/**
 * The cache API on the Redis store, with the near cache on (see {@link RedisStoreProfile}): the whole
 * suite, since what a client sees may not depend on it, plus reads it answers: plain, conditional and
 * HEAD, each counted in the project's statistics.
 */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class CacheApiOnRedisTest extends CacheApiTests {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    @Inject
    Revocations revocations;

    @ConfigProperty(name = "cache-domain.redis.key-prefix")
    String keyPrefix;

    /** Lookups by secret digest: the GET of {@code cd:{ak}:d:DIGEST}, the only command that reads a key record by its secret. */
    private static long keyLookups() {
        return RedisInspection.commandCalls(REDIS).getOrDefault("get", 0L);
    }

    @Test
    void storesValuesEncryptedAndServesThemAsWritten() {
        String marker = "marker-" + System.nanoTime();
        as(key).body(Map.of("value", Map.of("note", marker))).put(entry("sealed")).then().statusCode(201);
        String entryKey = keyPrefix + ":c:{p:" + project + "}:sealed";

        byte[] stored = REDIS.getRedis().send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.HGET)
                .arg(entryKey).arg("v")).await().atMost(Duration.ofSeconds(2)).toBytes();

        assertThat(infrastructure.values.ValueCodec.keyIdOf(stored)).as("encrypted, naming its key").isPresent();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(marker);
        as(key).get(entry("sealed")).then().statusCode(200).body("value.note", equalTo(marker));
    }

    @Test
    void leavesACopyOfAShreddedProjectsEntryUnreadable() {
        as(key).body(Map.of("value", "before the shred")).put(entry("copied")).then().statusCode(201);
        String entryKey = keyPrefix + ":c:{p:" + project + "}:copied";
        byte[] copy = REDIS.getRedis().send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.DUMP)
                .arg(entryKey)).await().atMost(Duration.ofSeconds(2)).toBytes();
        double unreadableBefore = unreadable();

        as(keyFor(List.of(project), "cache:write", "admin")).delete("/v1/projects/" + project + "/cache?shred=true").then().statusCode(200);
        REDIS.getRedis().send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.RESTORE)
                .arg(entryKey).arg(0).arg(copy)).await().atMost(Duration.ofSeconds(2));

        as(key).get(entry("copied")).then().statusCode(404);
        assertThat(unreadable() - unreadableBefore).as("the restored copy could not be read").isEqualTo(1);
    }

    private double unreadable() {
        return meters.find("values.unreadable").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void readsWithAStoredKeyMakeNoKeyLookupOnceItWasConfirmed() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(revocations::live);
        as(key).body(Map.of("value", 1)).put(entry("warm")).then().statusCode(201);
        String fresh = keyFor(List.of(project), "cache:read");

        long beforeFirst = keyLookups();
        as(fresh).get(entry("warm")).then().statusCode(200);
        long beforeSecond = keyLookups();
        as(fresh).get(entry("warm")).then().statusCode(200);
        long afterSecond = keyLookups();

        assertThat(beforeSecond - beforeFirst).as("the first request looks its key up").isGreaterThanOrEqualTo(1);
        assertThat(afterSecond - beforeSecond).as("the second request does not").isZero();
    }

    @Test
    void readStatisticsReachRedisInOneBatchWithinTheFlushInterval() {
        as(key).body(Map.of("value", 1)).put(entry("counted")).then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            as(key).get(entry("counted")).then().statusCode(200);
        }
        as(key).get(entry("absent")).then().statusCode(404);
        String entryStats = keyPrefix + ":{p:" + project + "}:h:counted";
        String meta = keyPrefix + ":{p:" + project + "}:m";

        Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
            assertThat(REDIS.execute("HGET", entryStats, "h").await().atMost(Duration.ofSeconds(2)).toLong()).isEqualTo(3);
            assertThat(REDIS.execute("HMGET", meta, "hits", "misses").await().atMost(Duration.ofSeconds(2)).toString())
                    .isEqualTo("[3, 1]");
        });
        as(key).get(entry("counted")).then().statusCode(200).body("hits", Matchers.equalTo(4));
    }

    @Test
    void aWrongKeyRepeatedIsRefusedEachTimeAfterOneLookup() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(revocations::live);
        String wrong = "cdk_" + java.util.UUID.randomUUID().toString().replace("-", "") + "0123456789a";

        long before = keyLookups();
        for (int i = 0; i < 5; i++) {
            as(wrong).get(entry("any")).then().statusCode(401);
        }
        long after = keyLookups();

        assertThat(after - before).as("one lookup: the store's refusal is remembered for a few seconds").isEqualTo(1);
    }

    @Inject
    MeterRegistry meters;

    @Inject
    RedisClientOptions redisOptions;

    @Test
    void theNearCacheKnowsTheRedisClientsOptionsSoItTracksTheRightNodes() {
        assertThat(redisOptions.defaultClient()).isNotNull();
        assertThat(redisOptions.defaultClient().getType()).isEqualTo(io.vertx.redis.client.RedisClientType.STANDALONE);
    }

    @org.junit.jupiter.api.BeforeEach
    void nearCacheIsOn() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters.get("cache.near.state").gauge().value() == 1);
    }

    private double nearHits() {
        return meters.get("cache.near.reads").tag("result", "hit").counter().count();
    }

    @Test
    void plainConditionalAndHeadReadsAreAnsweredByTheNearCacheAndCounted() {
        Response written = put("hot", "{\"value\": {\"n\": 1}}");
        written.then().statusCode(201);
        String etag = written.header("ETag");
        as(key).get(entry("hot")).then().statusCode(200);
        double before = nearHits();

        as(key).get(entry("hot")).then().statusCode(200).body("value.n", equalTo(1));
        as(key).header("If-None-Match", etag).get(entry("hot")).then().statusCode(304);
        as(key).head(entry("hot")).then().statusCode(200).header("ETag", etag);

        assertThat(nearHits() - before).isEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                as(key).get("/v1/projects/" + project + "/cache-stats").then().statusCode(200).body("hits", equalTo(4)));
    }

    @Test
    void aWriteIsReadBackAtOnceThroughTheNearCache() {
        put("k", "{\"value\": 0}").then().statusCode(201);
        for (int i = 1; i <= 20; i++) {
            as(key).get(entry("k")).then().statusCode(200);
            as(key).body(Map.of("value", i)).put(entry("k")).then().statusCode(200);
            as(key).get(entry("k")).then().statusCode(200).body("value", equalTo(i));
        }
    }
}
