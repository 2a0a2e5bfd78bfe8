package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** The cache API on the embedded store (SQLite), with no Redis listening anywhere the service could reach. */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class CacheApiOnEmbeddedStoreTest extends CacheApiTests {
}
