package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** Progress over HTTP on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class ProgressApiOnEmbeddedStoreTest extends ProgressApiTests {
}
