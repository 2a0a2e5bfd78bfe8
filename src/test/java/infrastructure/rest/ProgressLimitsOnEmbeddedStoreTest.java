package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.ProgressLimitsProfile;

/** Progress limits on the embedded store (SQLite). */
@QuarkusTest
@TestProfile(ProgressLimitsProfile.OnEmbedded.class)
class ProgressLimitsOnEmbeddedStoreTest extends ProgressLimitsTests {
}
