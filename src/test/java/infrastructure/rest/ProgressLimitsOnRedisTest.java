package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.ProgressLimitsProfile;

/** Progress limits on Redis. */
@QuarkusTest
@TestProfile(ProgressLimitsProfile.OnRedis.class)
class ProgressLimitsOnRedisTest extends ProgressLimitsTests {
}
