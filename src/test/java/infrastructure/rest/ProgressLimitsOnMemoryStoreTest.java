package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import support.ProgressLimitsProfile;

/** Progress limits on the memory store. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(ProgressLimitsProfile.class)
class ProgressLimitsOnMemoryStoreTest extends ProgressLimitsTests {
}
