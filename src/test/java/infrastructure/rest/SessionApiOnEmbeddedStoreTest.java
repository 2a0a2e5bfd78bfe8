package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** The session API on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class SessionApiOnEmbeddedStoreTest extends SessionApiTests {
}
