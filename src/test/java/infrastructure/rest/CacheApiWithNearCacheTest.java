package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;

import infrastructure.config.RedisClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.NearCacheProfile;

/**
 * The cache API on Redis with the near cache on: the whole suite, since what a client sees may not
 * depend on it, plus reads that it answers: plain, conditional and HEAD, each counted in the
 * project's statistics.
 */
@QuarkusTest
@TestProfile(NearCacheProfile.class)
class CacheApiWithNearCacheTest extends CacheApiTests {

    @Inject
    MeterRegistry meters;

    @Inject
    RedisClientOptions redisOptions;

    @Test
    void theNearCacheKnowsTheRedisClientsOptionsSoItTracksTheRightNodes() {
        assertThat(redisOptions.defaultClient()).isNotNull();
        assertThat(redisOptions.defaultClient().getType()).isEqualTo(io.vertx.redis.client.RedisClientType.STANDALONE);
    }

    @BeforeEach
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
