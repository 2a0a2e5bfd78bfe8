package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The cache API on the embedded store, with no Redis listening anywhere the service could reach. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class CacheApiOnEmbeddedStoreTest extends CacheApiTests {
}
