package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The session API on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class SessionApiOnMemoryStoreTest extends SessionApiTests {
}
