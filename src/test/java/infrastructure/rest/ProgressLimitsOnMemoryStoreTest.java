package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.ProgressLimitsProfile;

/** Progress limits on the memory store. */
@QuarkusTest
@TestProfile(ProgressLimitsProfile.class)
class ProgressLimitsOnMemoryStoreTest extends ProgressLimitsTests {
}
