package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.MemoryStoreProfile;

/** The credentials' export and import on this store. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class CredentialsApiOnMemoryStoreTest extends CredentialsApiTests {
}
