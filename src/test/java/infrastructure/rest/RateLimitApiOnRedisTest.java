package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** The rate limit API on the Redis store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class RateLimitApiOnRedisTest extends RateLimitApiTests {
}
