package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** The JSON rules on the Redis store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class JsonRulesOnRedisTest extends JsonRulesApiTests {
}
