package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.ProgressLimitsProfile;

/** Progress limits on the embedded store. */
@QuarkusTest
@TestProfile(ProgressLimitsProfile.class)
class ProgressLimitsOnEmbeddedStoreTest extends ProgressLimitsTests {
}
