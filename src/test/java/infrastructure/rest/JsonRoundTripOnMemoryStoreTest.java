package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.MemoryStoreProfile;

/** The cache's JSON round trip on the memory store. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class JsonRoundTripOnMemoryStoreTest extends JsonRoundTripTests {
}
