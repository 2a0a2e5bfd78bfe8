package infrastructure.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's credentials exported and imported over HTTP, end to end: a key and a session revoked
 * after the export work again, with the same secret and token, once the file is imported. Runs on Redis
 * (the subclass): the walk and restore of sessions and keys are the ports' contract suites' on every store.
 */
abstract class CredentialsApiTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    String project;
    String keyName;
    String keySecret;
    String sessionId;
    String sessionToken;

    @BeforeEach
    void aKeyAndASession() {
        project = freshProject();
        keyName = "k-" + UUID.randomUUID();
        keySecret = asAdmin().body(Map.of("name", keyName, "projects", List.of(project), "scopes", List.of("cache:read")))
                .post("/v1/admin/api-keys").then().statusCode(201).extract().path("key");
        String sessionsKey = keyFor(List.of(project), "sessions");
        Response opened = as(sessionsKey).body("{\"userId\": \"ada-" + project + "\", \"userData\": {\"name\": \"Zoë\", \"n\": 1.50}, "
                + "\"projectAccess\": [\"" + project + "\"]}").post("/v1/sessions");
        opened.then().statusCode(201);
        sessionId = opened.path("sessionId");
        sessionToken = opened.path("token");
    }

    private String export() {
        return asAdmin().get("/v1/admin/credentials/export").then().statusCode(200).extract().asString();
    }

    private Response importFile(String file, String query) {
        return asAdmin().contentType("application/jsonl").body(file.getBytes(StandardCharsets.UTF_8))
                .post("/v1/admin/credentials/import" + query);
    }

    private void revokeBoth() {
        asAdmin().delete("/v1/admin/api-keys/" + keyName).then().statusCode(204);
        asAdmin().delete("/v1/sessions/" + sessionId).then().statusCode(204);
        as(keySecret).get("/v1/projects/" + project + "/cache/anything").then().statusCode(401);
        asAdmin().body(Map.of("token", sessionToken)).post("/v1/sessions/validate").then().statusCode(401);
    }

    private static List<JsonNode> lines(String file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : file.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void bringsBackRevokedKeysAndSessionsWithTheirSecretsAndTokensWorking() throws Exception {
        String file = export();
        assertThat(file).doesNotContain(keySecret).doesNotContain(sessionToken.substring(sessionToken.indexOf('.') + 1));
        List<JsonNode> lines = lines(file);
        assertThat(lines.get(0).path("format").asText()).isEqualTo("cache-domain-credentials");
        JsonNode key = lines.stream().filter(l -> l.path("name").asText().equals(keyName)).findFirst().orElseThrow();
        assertThat(key.path("type").asText()).isEqualTo("apikey");
        assertThat(key.path("secretDigest").asText()).isEqualTo(domain.Secrets.sha256Hex(keySecret))
                .as("the digest of the secret, never the secret");
        JsonNode session = lines.stream().filter(l -> l.path("id").asText().equals(sessionId)).findFirst().orElseThrow();
        assertThat(session.path("userData").path("name").asText()).isEqualTo("Zoë");
        assertThat(List.of(file.split("\n"))).filteredOn(line -> line.contains(sessionId)).singleElement()
                .asString().as("numbers as the user data holds them").contains("1.50");
        JsonNode end = lines.get(lines.size() - 1);
        assertThat(end.path("type").asText()).isEqualTo("end");
        assertThat(end.path("apikeys").asLong()).isEqualTo(lines.stream().filter(l -> l.path("type").asText().equals("apikey")).count());
        revokeBoth();

        importFile(file, "?includeCredentials=true&dryRun=true").then().statusCode(200)
                .body("dryRun", equalTo(true)).body("apikeysWritten", equalTo(1)).body("sessionsWritten", equalTo(1));
        as(keySecret).get("/v1/projects/" + project + "/cache/anything").then().statusCode(401);

        importFile(file, "?includeCredentials=true").then().statusCode(200)
                .body("dryRun", equalTo(false)).body("apikeysWritten", equalTo(1)).body("sessionsWritten", equalTo(1))
                .body("apikeyConflicts", equalTo(0));

        // This instance was told the secret is no key's a moment ago: it believes so for its unknown-key memory at most.
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                as(keySecret).get("/v1/projects/" + project + "/cache/anything").then().statusCode(404));
        asAdmin().body(Map.of("token", sessionToken)).post("/v1/sessions/validate").then().statusCode(200)
                .body("sessionId", equalTo(sessionId)).body("userData.name", equalTo("Zoë"));

        importFile(file, "?includeCredentials=true").then().statusCode(200)
                .body("apikeysWritten", equalTo(0)).body("sessionsWritten", equalTo(0));
    }

    @Test
    void keepsAKeyOfTheSameNameWithOtherGrantsAsAConflict() {
        String file = export();
        asAdmin().delete("/v1/admin/api-keys/" + keyName).then().statusCode(204);
        String other = asAdmin().body(Map.of("name", keyName, "projects", List.of(project), "scopes", List.of("cache:write")))
                .post("/v1/admin/api-keys").then().statusCode(201).extract().path("key");

        importFile(file, "?includeCredentials=true").then().statusCode(200)
                .body("apikeyConflicts", equalTo(1)).body("conflictingKeys", hasItem(keyName));

        as(keySecret).get("/v1/projects/" + project + "/cache/anything").then().statusCode(401);
        as(other).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/x").then().statusCode(201);
    }

    @Test
    void importsNothingWithoutIncludeCredentials() {
        String file = export();
        revokeBoth();

        importFile(file, "").then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("includeCredentials"));
        importFile(file, "?includeCredentials=yes").then().statusCode(400);

        asAdmin().body(Map.of("token", sessionToken)).post("/v1/sessions/validate").then().statusCode(401);
    }

    @Test
    void refusesAFileWithABadLineNamingItAndWritesNothing() {
        String file = export();
        revokeBoth();
        String[] lines = file.split("\n");
        int bad = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("\"id\":\"" + sessionId + "\"")) {
                lines[i] = lines[i].replaceAll("\"verifierDigest\":\"[0-9a-f]+\"", "\"verifierDigest\":\"not-a-digest\"");
                bad = i + 1;
            }
        }
        assertThat(bad).isPositive();

        importFile(String.join("\n", lines), "?includeCredentials=true").then().statusCode(400)
                .contentType("application/problem+json").body("violations.field", hasItem("line " + bad));

        asAdmin().get("/v1/admin/api-keys/" + keyName).then().statusCode(404);
        asAdmin().body(Map.of("token", sessionToken)).post("/v1/sessions/validate").then().statusCode(401);
    }

    @Test
    void refusesAFileWhoseKeyGrantsMoreThanTheCallerHolds() {
        String file = export();
        asAdmin().delete("/v1/admin/api-keys/" + keyName).then().statusCode(204);
        String narrowAdmin = keyFor(List.of("*"), "admin", "sessions");

        as(narrowAdmin).contentType("application/jsonl").body(file.getBytes(StandardCharsets.UTF_8))
                .post("/v1/admin/credentials/import?includeCredentials=true").then().statusCode(403)
                .contentType("application/problem+json");

        asAdmin().get("/v1/admin/api-keys/" + keyName).then().statusCode(404);
    }

    @Test
    void refusesAFileGivingOneSecretToTwoKeys() {
        String file = export();
        String[] lines = file.split("\n");
        String keyLine = List.of(lines).stream().filter(l -> l.contains("\"name\":\"" + keyName + "\"")).findFirst().orElseThrow();
        String twin = keyLine.replace(keyName, keyName + "-twin");
        List<String> crafted = new ArrayList<>(List.of(lines));
        crafted.add(crafted.size() - 1, twin);
        crafted.set(crafted.size() - 1, crafted.get(crafted.size() - 1).replaceFirst("\"apikeys\":(\\d+)", "\"apikeys\":X"));
        long keys = crafted.stream().filter(l -> l.contains("\"type\":\"apikey\"")).count();
        crafted.set(crafted.size() - 1, crafted.get(crafted.size() - 1).replace("\"apikeys\":X", "\"apikeys\":" + keys));

        importFile(String.join("\n", crafted), "?includeCredentials=true").then().statusCode(400)
                .body("violations.field", hasItem("line " + (crafted.size() - 1)));

        asAdmin().get("/v1/admin/api-keys/" + keyName + "-twin").then().statusCode(404);
    }

    @Test
    void refusesCallersWithoutAdminOnEveryProject() {
        String projectAdmin = keyFor(List.of(project), "admin");

        as(projectAdmin).get("/v1/admin/credentials/export").then().statusCode(403);
        as(projectAdmin).contentType("application/jsonl").body("{}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/admin/credentials/import?includeCredentials=true").then().statusCode(403);
        given().get("/v1/admin/credentials/export").then().statusCode(401);
    }
}
