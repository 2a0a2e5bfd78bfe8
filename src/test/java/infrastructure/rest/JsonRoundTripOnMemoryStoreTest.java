package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The cache's JSON round trip on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class JsonRoundTripOnMemoryStoreTest extends JsonRoundTripTests {
}
