package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.MemoryStoreProfile;

/** The rate limit API on the memory store. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class RateLimitApiOnMemoryStoreTest extends RateLimitApiTests {
}
