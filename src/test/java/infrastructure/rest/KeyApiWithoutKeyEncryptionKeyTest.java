package infrastructure.rest;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import support.MemoryStoreProfile;

/** Keys on a service with no key-encryption key configured: none to show, none to rotate, and a clear 409. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class KeyApiWithoutKeyEncryptionKeyTest {

    @Test
    void refusesToRotateWithAConflictNamingTheMissingKey() {
        String project = freshProject();
        String admin = keyFor(List.of(project), "admin");

        as(admin).post("/v1/admin/projects/" + project + "/keys/rotate").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("no key-encryption key"));
        as(admin).get("/v1/admin/projects/" + project + "/keys").then().statusCode(200).body("keys.size()", equalTo(0));
    }

    @Test
    void refusesToRotateTheSessionsKeyWithAConflictNamingTheMissingKey() {
        support.Api.asAdmin().post("/v1/admin/sessions/keys/rotate").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("no key-encryption key"));
        support.Api.asAdmin().get("/v1/admin/sessions/keys").then().statusCode(200).body("keys.size()", equalTo(0));
    }

    @Test
    void refusesAProjectIdThatBreaksItsRule() {
        as(keyFor(List.of(freshProject()), "admin")).post("/v1/admin/projects/Not_Valid!/keys/rotate").then().statusCode(400)
                .contentType("application/problem+json");
    }
}
