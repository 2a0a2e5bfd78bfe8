package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The JSON rules on the embedded store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class JsonRulesOnEmbeddedStoreTest extends JsonRulesApiTests {
}
