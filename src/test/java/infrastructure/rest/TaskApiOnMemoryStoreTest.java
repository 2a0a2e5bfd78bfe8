package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The task queue over HTTP on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class TaskApiOnMemoryStoreTest extends TaskApiTests {
}
