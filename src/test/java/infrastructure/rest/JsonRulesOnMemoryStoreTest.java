package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The JSON rules on the memory store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class JsonRulesOnMemoryStoreTest extends JsonRulesApiTests {
}
