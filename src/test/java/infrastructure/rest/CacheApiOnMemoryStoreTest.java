package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.MemoryStoreProfile;

/** The cache API on the memory store, with no Redis listening anywhere the service could reach. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class CacheApiOnMemoryStoreTest extends CacheApiTests {
}
