package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.EmbeddedStoreProfile;

/** A project's import on this store. */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class ImportApiOnEmbeddedStoreTest extends ImportApiTests {
}
