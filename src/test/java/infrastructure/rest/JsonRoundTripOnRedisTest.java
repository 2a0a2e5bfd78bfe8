package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** The cache's JSON round trip on the Redis store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class JsonRoundTripOnRedisTest extends JsonRoundTripTests {
}
