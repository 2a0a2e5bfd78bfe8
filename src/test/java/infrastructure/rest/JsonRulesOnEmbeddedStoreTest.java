package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** The JSON rules on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class JsonRulesOnEmbeddedStoreTest extends JsonRulesApiTests {
}
