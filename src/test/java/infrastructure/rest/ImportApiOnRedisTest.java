package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** A project's import on this store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class ImportApiOnRedisTest extends ImportApiTests {
}
