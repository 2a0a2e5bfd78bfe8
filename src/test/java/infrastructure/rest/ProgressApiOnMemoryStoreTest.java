package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** Progress over HTTP on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class ProgressApiOnMemoryStoreTest extends ProgressApiTests {
}
