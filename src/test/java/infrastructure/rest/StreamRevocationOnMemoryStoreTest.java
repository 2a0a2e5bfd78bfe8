package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.MemoryStoreProfile;

/** Revoked principals' streams end, on the memory store. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class StreamRevocationOnMemoryStoreTest extends StreamRevocationTests {
}
