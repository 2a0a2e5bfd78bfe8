package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** The task queue over HTTP on Redis. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class TaskApiOnRedisTest extends TaskApiTests {
}
