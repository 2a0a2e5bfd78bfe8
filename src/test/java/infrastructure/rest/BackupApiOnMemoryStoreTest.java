package infrastructure.rest;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.asAdmin;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.MemoryStoreProfile;

/** The memory store has nothing on disk: a backup is a 409 saying so. */
@QuarkusTest
@Tag("memory-store")
@TestProfile(MemoryStoreProfile.class)
class BackupApiOnMemoryStoreTest {

    @Test
    void refusesABackupSayingWhy() {
        asAdmin().post("/v1/admin/backups").then().statusCode(409)
                .body("type", equalTo("urn:cache-domain:problem:conflict"))
                .body("detail", containsString("keeps nothing on disk"));
    }
}
