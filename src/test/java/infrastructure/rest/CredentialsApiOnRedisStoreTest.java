package infrastructure.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import support.RedisStoreProfile;

/** The credentials' export and import on this store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class CredentialsApiOnRedisStoreTest extends CredentialsApiTests {
}
