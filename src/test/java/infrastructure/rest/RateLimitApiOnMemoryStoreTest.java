package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The rate limit API on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class RateLimitApiOnMemoryStoreTest extends RateLimitApiTests {
}
