package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** A project's export on Redis, where every value is encrypted at rest and exported in clear. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class ExportApiOnRedisTest extends ExportApiTests {
}
