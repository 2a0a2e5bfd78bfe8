package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.ExportFiles.entries;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A project's import over HTTP, end to end, fed by the same service's export. Runs once per store (see
 * the subclasses).
 */
abstract class ImportApiTests {

    private static final int ENTRIES = 250;

    String source;
    String target;
    String admin;

    @BeforeEach
    void twoProjects() {
        source = freshProject();
        target = freshProject();
        admin = keyFor(List.of(source, target), "admin", "cache:read", "cache:write");
    }

    private void fill(String project, int entries) {
        for (int i = 0; i < entries; i++) {
            as(admin).body("{\"value\": {\"n\": " + i + ", \"exact\": 1.50, \"text\": \"é\\u2028\"}, \"ttlSeconds\": " + (600 + i)
                    + (i % 4 == 0 ? ", \"tags\": [\"quarter\"]" : "") + "}")
                    .put("/v1/projects/" + project + "/cache/" + String.format("item:%04d", i)).then().statusCode(201);
        }
    }

    private String export(String project) {
        return as(admin).get("/v1/admin/projects/" + project + "/export").then().statusCode(200).extract().asString();
    }

    private Response importInto(String project, String file, String query) {
        return as(admin).contentType("application/jsonl").body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/admin/projects/" + project + "/import" + query);
    }

    @Test
    void bringsEveryEntryOverAsItWasWithExpiriesToTheSecondAndVersionsNoLower() throws Exception {
        fill(source, ENTRIES);
        String file = export(source);

        importInto(target, file, "").then().statusCode(200)
                .body("project", equalTo(target)).body("mode", equalTo("merge")).body("dryRun", equalTo(false))
                .body("entries", equalTo(ENTRIES)).body("written", equalTo(ENTRIES)).body("conflicts", equalTo(0));

        Map<String, JsonNode> there = entries(file);
        Map<String, JsonNode> here = entries(export(target));
        assertThat(here.keySet()).containsExactlyElementsOf(there.keySet());
        for (Map.Entry<String, JsonNode> e : there.entrySet()) {
            JsonNode imported = here.get(e.getKey());
            assertThat(imported.path("value")).isEqualTo(e.getValue().path("value"));
            assertThat(imported.path("value").path("exact").toString()).isEqualTo("1.50");
            assertThat(imported.path("tags")).isEqualTo(e.getValue().path("tags"));
            assertThat(imported.path("createdAt")).isEqualTo(e.getValue().path("createdAt"));
            assertThat(imported.path("version").asLong()).isGreaterThanOrEqualTo(e.getValue().path("version").asLong());
            Duration drift = Duration.between(Instant.parse(e.getValue().path("expiresAt").asText()),
                    Instant.parse(imported.path("expiresAt").asText())).abs();
            assertThat(drift).as("expiry of %s", e.getKey()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void findsEverythingUnchangedWhenTheSameFileIsImportedAgain() {
        fill(source, 20);
        String file = export(source);
        importInto(target, file, "").then().statusCode(200).body("written", equalTo(20));

        importInto(target, file, "").then().statusCode(200).body("written", equalTo(0)).body("unchanged", equalTo(20));
    }

    @Test
    void changesNothingInADryRun() throws Exception {
        fill(source, 20);
        String file = export(source);

        importInto(target, file, "?dryRun=true").then().statusCode(200).body("dryRun", equalTo(true)).body("written", equalTo(20));

        assertThat(entries(export(target))).isEmpty();
    }

    @Test
    void keepsTheProjectsNewerEntryAsAConflictAndReplacesOnlyOnAsk() throws Exception {
        fill(source, 3);
        String file = export(source);
        as(admin).body("{\"value\": \"written here later\"}").put("/v1/projects/" + target + "/cache/item:0001").then().statusCode(201);
        as(admin).body("{\"value\": \"only here\"}").put("/v1/projects/" + target + "/cache/extra").then().statusCode(201);

        importInto(target, file, "").then().statusCode(200)
                .body("written", equalTo(2)).body("conflicts", equalTo(1)).body("conflictingKeys", equalTo(List.of("item:0001")));
        assertThat(entries(export(target)).get("item:0001").path("value").asText()).isEqualTo("written here later");

        importInto(target, file, "?mode=replace&dryRun=true").then().statusCode(200).body("removed", equalTo(4)).body("written", equalTo(3));
        importInto(target, file, "?mode=replace").then().statusCode(200).body("removed", equalTo(4)).body("written", equalTo(3));
        Map<String, JsonNode> replaced = entries(export(target));
        assertThat(replaced.keySet()).containsExactly("item:0000", "item:0001", "item:0002");
        assertThat(replaced.get("item:0001").path("value").path("n").asInt()).isEqualTo(1);
    }

    @Test
    void refusesAFileWithBadLinesWholeNamingEachAndWritesNothing() throws Exception {
        fill(source, 5);
        List<String> lines = new ArrayList<>(List.of(export(source).split("\n")));
        lines.set(2, "{\"type\":\"cache\",\"key\":\"broken");                       // line 3: not JSON
        lines.set(4, lines.get(4).replace("\"key\":\"item:0003\"", "\"key\":\"bad key!\"")); // line 5: a key out of its rule
        String file = String.join("\n", lines) + "\n";

        importInto(target, file, "").then().statusCode(400).contentType("application/problem+json")
                // and the end line, whose count no longer matches the entries read
                .body("violations.field", equalTo(List.of("line 3", "line 5", "line 7")))
                .body("detail", org.hamcrest.Matchers.containsString("nothing was written"));
        importInto(target, file.substring(0, file.lastIndexOf("{\"type\":\"end\"")), "").then().statusCode(400)
                .body("violations.message", hasItems(org.hamcrest.Matchers.containsString("end line is missing")));
        importInto(target, "", "").then().statusCode(400);
        assertThat(entries(export(target))).isEmpty();
    }

    @Test
    void refusesLinesOutsideTheRulesAndReadsAFileWithCrlfLineEnds() throws Exception {
        fill(source, 2);
        List<String> lines = new ArrayList<>(List.of(export(source).split("\n")));
        String entry = lines.get(1);
        List<String> hostile = new ArrayList<>(lines.subList(0, 1));
        hostile.add("null");                                                                         // line 2
        hostile.add("{}");                                                                           // line 3
        hostile.add(entry.replaceFirst("\"version\":\\d+", "\"version\":9007199254740992"));        // line 4: above 2^53 - 1
        hostile.add(entry.replaceFirst("\"createdAt\":\"[^\"]+\"", "\"createdAt\":\"2999-01-01T00:00:00.000Z\"")); // line 5
        hostile.add(entry.replaceFirst("\"expiresAt\":\"[^\"]+\"", "\"expiresAt\":\"+1000000000-01-01T00:00:00Z\"")); // line 6
        hostile.add(lines.get(lines.size() - 1));                                                    // line 7: counts 2, holds 3
        importInto(target, String.join("\n", hostile), "").then().statusCode(400)
                .body("violations.field", equalTo(List.of("line 2", "line 3", "line 4", "line 5", "line 6", "line 7")));

        importInto(target, String.join("\r\n", lines) + "\r\n", "").then().statusCode(200).body("written", equalTo(2));
        assertThat(entries(export(target))).hasSize(2);
    }

    @Test
    void takesALaterExpiryOfTheSameEntryCachedAgainAtTheSource() throws Exception {
        as(admin).body("{\"value\": 1, \"ttlSeconds\": 600}").put("/v1/projects/" + source + "/cache/k").then().statusCode(201);
        importInto(target, export(source), "").then().statusCode(200).body("written", equalTo(1));
        as(admin).body("{\"value\": 1, \"ttlSeconds\": 3000}").put("/v1/projects/" + source + "/cache/k").then().statusCode(200);
        String again = export(source);

        importInto(target, again, "").then().statusCode(200).body("written", equalTo(1)).body("conflicts", equalTo(0));

        Duration drift = Duration.between(Instant.parse(entries(again).get("k").path("expiresAt").asText()),
                Instant.parse(entries(export(target)).get("k").path("expiresAt").asText())).abs();
        assertThat(drift).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void importsOnlyForAnAdministratorOfTheProject() {
        fill(source, 1);
        String file = export(source);

        for (String refused : List.of(cacheKeyFor(target), keyFor(List.of(source), "admin"))) {
            as(refused).contentType("application/jsonl").body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/v1/admin/projects/" + target + "/import")
                    .then().statusCode(403).contentType("application/problem+json");
        }
        importInto(target, file, "?mode=overwrite").then().statusCode(400).contentType("application/problem+json");
        importInto(target, file, "?dryRun=yes").then().statusCode(400);
    }

    @Test
    void bringsProgressOperationsOverWithTheirEventsAndKeepsAnOperationTheProjectHolds() {
        String worker = keyFor(List.of(source, target), "progress", "progress:read");
        String operations = "/v1/projects/" + source + "/progress";
        as(worker).body("{\"correlationId\": \"import-42\", \"totalSteps\": 10, \"message\": \"reading \\u2028 the file\"}")
                .post(operations).then().statusCode(201);
        for (int i = 1; i <= 3; i++) {
            as(worker).body("{\"message\": \"rows " + i + "\"}").post(operations + "/import-42/steps").then().statusCode(200);
        }
        as(worker).body("{\"correlationId\": \"done-7\", \"totalSteps\": 2}").post(operations).then().statusCode(201);
        as(worker).body("{\"message\": \"all read\"}").post(operations + "/done-7/complete").then().statusCode(200);
        String file = export(source);
        assertThat(file).contains("\"type\":\"progress\",\"id\":\"done-7\"").contains("\"progress\":2,");

        Response imported = importInto(target, file, "");

        imported.then().statusCode(200).body("operations", org.hamcrest.Matchers.equalTo(2))
                .body("operationsWritten", org.hamcrest.Matchers.equalTo(2));
        Response moved = as(worker).get("/v1/projects/" + target + "/progress/import-42");
        moved.then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("RUNNING"))
                .body("currentStep", org.hamcrest.Matchers.equalTo(3)).body("message", org.hamcrest.Matchers.equalTo("rows 3"));
        as(worker).get("/v1/projects/" + target + "/progress/done-7").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("COMPLETED")).body("lastEventId", org.hamcrest.Matchers.equalTo(2));
        as(worker).body("{\"message\": \"rows 4\"}").post("/v1/projects/" + target + "/progress/import-42/steps").then()
                .statusCode(200).body("currentStep", org.hamcrest.Matchers.equalTo(4)).body("lastEventId", org.hamcrest.Matchers.equalTo(5));
        importInto(target, file, "").then().statusCode(200).body("operationsWritten", org.hamcrest.Matchers.equalTo(0))
                .body("operationsExisting", org.hamcrest.Matchers.equalTo(2));
        as(worker).get("/v1/projects/" + target + "/progress/import-42").then().body("currentStep", org.hamcrest.Matchers.equalTo(4));

        Map<String, String> unsound = Map.of(
                "out of sequence", file.replaceFirst("\"sequence\":2,", "\"sequence\":9,"),
                "one of started, progress", file.replaceFirst("\"type\":\"progress\",\"step\"", "\"type\":\"bogus\",\"step\""),
                "lastSequence out of its rule", file.replaceFirst("\"lastSequence\":4", "\"lastSequence\":99999999999999"),
                "before its last event", file.replaceFirst("\"type\":\"progress\",\"step\":1", "\"type\":\"completed\",\"step\":1"),
                "in the future", file.replaceFirst("\"at\":\"20[0-9-]+T", "\"at\":\"2999-01-01T"),
                "was updated before it started", file.replaceFirst("\"startedAt\":\"20[0-9-]+T", "\"startedAt\":\"+292278994-08-17T"));
        for (Map.Entry<String, String> bad : unsound.entrySet()) {
            assertThat(bad.getValue()).as(bad.getKey()).isNotEqualTo(file);
            Response refused = importInto(target, bad.getValue(), "");
            refused.then().statusCode(400).contentType("application/problem+json");
            assertThat(refused.asString()).as(bad.getKey()).contains(bad.getKey());
        }
    }

    @Test
    void bringsTasksOverInEveryStateAndARunningOneWaitingAgain() {
        String worker = keyFor(List.of(source, target), "tasks");
        String queue = "/v1/projects/" + source + "/queues/emails";
        String waiting = as(worker).body("{\"payload\": {\"to\": \"ada\", \"n\": 1.50}, \"idempotencyKey\": \"order-7\", \"priority\": 2}")
                .post(queue + "/tasks").then().statusCode(201).extract().path("id");
        String later = as(worker).body("{\"payload\": {\"to\": \"bob\"}, \"delaySeconds\": 600}")
                .post(queue + "/tasks").then().statusCode(201).extract().path("id");
        as(worker).body("{\"payload\": {\"to\": \"carol\"}}").post(queue + "/tasks").then().statusCode(201);
        as(worker).body("{\"payload\": {\"to\": \"dan\"}}").post(queue + "/tasks").then().statusCode(201);
        Response claimed = as(worker).body("{\"max\": 3}").post(queue + "/claims");
        claimed.then().statusCode(200);
        List<String> ids = claimed.path("tasks.id");
        List<String> leases = claimed.path("tasks.leaseToken");
        assertThat(ids).hasSize(3).startsWith(waiting);
        as(worker).body("{\"leaseToken\": \"" + leases.get(1) + "\", \"result\": {\"sent\": true}}")
                .post(queue + "/tasks/" + ids.get(1) + "/complete").then().statusCode(200);
        String file = export(source);
        assertThat(file).contains("\"type\":\"task\",\"queue\":\"emails\"").contains("\"tasks\":4}").doesNotContain(leases.get(0));

        importInto(target, file, "?dryRun=true").then().statusCode(200).body("tasks", equalTo(4)).body("tasksWritten", equalTo(4));
        as(worker).get("/v1/projects/" + target + "/queues/emails/tasks/" + waiting).then().statusCode(404);
        importInto(target, file, "").then().statusCode(200).body("tasks", equalTo(4)).body("tasksWritten", equalTo(4));

        String moved = "/v1/projects/" + target + "/queues/emails/tasks/";
        as(worker).get(moved + later).then().statusCode(200).body("state", equalTo("SCHEDULED"));
        as(worker).get(moved + ids.get(1)).then().statusCode(200).body("state", equalTo("SUCCEEDED")).body("result.sent", equalTo(true));
        as(worker).get(moved + waiting).then().statusCode(200).body("state", equalTo("QUEUED")).body("attempt", equalTo(1))
                .body("payload.n", equalTo(1.5f));
        as(worker).body("{\"payload\": {}, \"idempotencyKey\": \"order-7\"}").post("/v1/projects/" + target + "/queues/emails/tasks")
                .then().statusCode(200).body("id", equalTo(waiting));
        Response again = as(worker).body("{\"max\": 5}").post("/v1/projects/" + target + "/queues/emails/claims");
        assertThat(again.<List<String>>path("tasks.id")).as("the running one waits again, the highest priority first")
                .containsExactly(waiting, ids.get(2));
        as(worker).body("{\"leaseToken\": \"" + leases.get(0) + "\", \"result\": {}}").post(moved + waiting + "/complete")
                .then().statusCode(409);

        importInto(target, file, "").then().statusCode(200).body("tasksWritten", equalTo(0)).body("tasksExisting", equalTo(4));
        Response refused = importInto(target, file.replaceFirst("\"state\":\"SCHEDULED\"", "\"state\":\"NAPPING\""), "");
        refused.then().statusCode(400).contentType("application/problem+json");
        assertThat(refused.asString()).contains("has a state that is none of");
    }
}
