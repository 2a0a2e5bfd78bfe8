package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** Revoked principals' streams end, on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class StreamRevocationOnEmbeddedStoreTest extends StreamRevocationTests {
}
