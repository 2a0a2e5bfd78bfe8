package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The cache API on the memory store, with no Redis listening anywhere the service could reach. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class CacheApiOnMemoryStoreTest extends CacheApiTests {
}
