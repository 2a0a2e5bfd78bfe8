package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** The cache's JSON round trip on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class JsonRoundTripOnEmbeddedStoreTest extends JsonRoundTripTests {
}
