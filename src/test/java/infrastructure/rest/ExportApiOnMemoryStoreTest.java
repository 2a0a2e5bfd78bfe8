package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** A project's export on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class ExportApiOnMemoryStoreTest extends ExportApiTests {
}
