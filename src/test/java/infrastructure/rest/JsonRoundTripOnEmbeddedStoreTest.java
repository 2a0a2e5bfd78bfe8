package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The cache's JSON round trip on the embedded store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class JsonRoundTripOnEmbeddedStoreTest extends JsonRoundTripTests {
}
