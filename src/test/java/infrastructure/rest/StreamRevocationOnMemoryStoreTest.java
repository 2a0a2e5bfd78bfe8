package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** Revoked principals' streams end, on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class StreamRevocationOnMemoryStoreTest extends StreamRevocationTests {
}
