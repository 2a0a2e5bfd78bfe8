package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.MemoryStoreProfile;

/** A project's import on this store. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class ImportApiOnMemoryStoreTest extends ImportApiTests {
}
