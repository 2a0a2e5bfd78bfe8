package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** A project's import on this store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class ImportApiOnMemoryStoreTest extends ImportApiTests {
}
