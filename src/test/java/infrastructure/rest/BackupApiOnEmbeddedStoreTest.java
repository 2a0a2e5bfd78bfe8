package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import support.EmbeddedStoreProfile;

/** Online backups of the embedded store over HTTP: a complete, sound copy, for administrators only. */
@QuarkusTest
@TestProfile(EmbeddedStoreProfile.class)
class BackupApiOnEmbeddedStoreTest {

    @Test
    void writesACompleteSoundCopyHoldingEveryAcknowledgedWrite() throws Exception {
        String project = freshProject();
        String key = cacheKeyFor(project);
        as(key).body("{\"value\": {\"kept\": true}}").put("/v1/projects/" + project + "/cache/before-backup").then().statusCode(201);

        JsonPath backup = asAdmin().post("/v1/admin/backups").then().statusCode(201).extract().jsonPath();

        Path file = Path.of(backup.getString("file"));
        assertThat(file.getFileName().toString()).startsWith("cache-domain-").endsWith(".db");
        assertThat(Files.size(file)).isEqualTo(backup.getLong("bytes")).isPositive();
        try (Connection copy = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (ResultSet check = copy.createStatement().executeQuery("PRAGMA integrity_check")) {
                check.next();
                assertThat(check.getString(1)).isEqualTo("ok");
            }
            try (ResultSet keys = copy.createStatement().executeQuery("SELECT count(*) FROM api_keys")) {
                keys.next();
                assertThat(keys.getInt(1)).as("the API key created before the backup").isPositive();
            }
            try (ResultSet entries = copy.createStatement().executeQuery(
                    "SELECT count(*) FROM cache_entries WHERE project = '" + project + "'")) {
                entries.next();
                assertThat(entries.getInt(1)).as("the entry written before the backup").isEqualTo(1);
            }
        }
        asAdmin().post("/v1/admin/backups").then().statusCode(201).body("file", org.hamcrest.Matchers.not(equalTo(file.toString())));
    }

    @Test
    void isForAdministratorsOnly() {
        as(cacheKeyFor(freshProject())).post("/v1/admin/backups").then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        io.restassured.RestAssured.given().post("/v1/admin/backups").then().statusCode(401);
    }
}
