package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A project's export over HTTP, end to end. Runs once per store (see the subclasses): what an export
 * holds may not depend on the store.
 */
abstract class ExportApiTests {

    /** Reads numbers exactly as written, as the export writes them. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    /** More than one page of the export's reads. */
    private static final int ENTRIES = 250;

    String project;
    String writer;
    String admin;

    @BeforeEach
    void newProject() {
        project = freshProject();
        writer = cacheKeyFor(project);
        admin = keyFor(List.of(project), "admin");
    }

    private String export() {
        return "/v1/admin/projects/" + project + "/export";
    }

    private static List<JsonNode> lines(Response response) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.asString().split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(response.asString()).as("every line ends with a line break").endsWith("\n");
        return lines;
    }

    @Test
    void streamsEveryLiveEntryBetweenAHeaderAndAnEndLineAsItIsServed() throws Exception {
        Map<String, Response> written = new HashMap<>();
        for (int i = 0; i < ENTRIES; i++) {
            String name = String.format("item:%04d", i);
            String body = "{\"value\": " + value(i) + ", \"ttlSeconds\": " + (600 + i)
                    + (i % 3 == 0 ? ", \"tags\": [\"third\", \"all\"]" : "") + "}";
            Response put = as(writer).body(body).put("/v1/projects/" + project + "/cache/" + name);
            put.then().statusCode(201);
            written.put(name, put);
        }
        // Another project, its id longer by a suffix, holding the same names: none of it may come out.
        String neighbour = project + "-2";
        String neighboursWriter = cacheKeyFor(neighbour);
        for (String name : List.of("item:0000", "item:0001", "zzz")) {
            as(neighboursWriter).body("{\"value\": \"the neighbour's\"}").put("/v1/projects/" + neighbour + "/cache/" + name)
                    .then().statusCode(201);
        }
        Instant before = Instant.now();

        Response response = as(admin).get(export());

        response.then().statusCode(200).contentType(containsString("application/jsonl")).header("Cache-Control", "no-store");
        assertThat(response.asString()).doesNotContain("the neighbour's");
        List<JsonNode> lines = lines(response);
        JsonNode header = lines.get(0);
        assertThat(header.path("type").asText()).isEqualTo("header");
        assertThat(header.path("format").asText()).isEqualTo("cache-domain-export");
        assertThat(header.path("version").asInt()).isEqualTo(1);
        assertThat(header.path("project").asText()).isEqualTo(project);
        assertThat(header.path("store").asText()).isNotEmpty();
        assertThat(lines.get(lines.size() - 1).toString()).isEqualTo("{\"type\":\"end\",\"records\":" + ENTRIES + ",\"unreadable\":0,\"progress\":0,\"tasks\":0}");
        List<JsonNode> entries = lines.subList(1, lines.size() - 1);
        assertThat(entries).hasSize(ENTRIES);
        assertThat(entries).extracting(e -> e.path("key").asText()).isSorted().doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(written.keySet());
        for (JsonNode entry : entries) {
            String name = entry.path("key").asText();
            int n = Integer.parseInt(name.substring(5));
            assertThat(entry.path("type").asText()).isEqualTo("cache");
            assertThat(entry.path("value")).as(name).isEqualTo(JSON.readTree(value(n)));
            assertThat(entry.path("value").path("exact").toString()).as("numbers exactly as written").isEqualTo("1.50");
            assertThat(entry.path("version").asLong()).isEqualTo(written.get(name).<Long>path("version"));
            assertThat(entry.path("expiresAt").asText()).isEqualTo(written.get(name).path("expiresAt"));
            List<String> tags = new ArrayList<>();
            entry.path("tags").forEach(t -> tags.add(t.asText()));
            assertThat(tags).isEqualTo(n % 3 == 0 ? List.of("all", "third") : List.of());
            long ttl = entry.path("ttlMillis").asLong();
            long left = Instant.parse(entry.path("expiresAt").asText()).toEpochMilli() - before.toEpochMilli();
            assertThat(ttl).as("the TTL left when the line was written").isPositive().isLessThanOrEqualTo(left);
        }
        for (JsonNode entry : List.of(entries.get(0), entries.get(1), entries.get(ENTRIES - 1))) {
            Response served = as(writer).get("/v1/projects/" + project + "/cache/" + entry.path("key").asText());
            assertThat(entry.path("createdAt").asText()).isEqualTo(served.path("createdAt"));
            assertThat(entry.path("value")).isEqualTo(JSON.readTree(served.asString()).path("value"));
        }
    }

    private static String value(int n) {
        return "{\"n\": " + n + ", \"text\": \"line\\nbreak \\u00e9\", \"exact\": 1.50}";
    }

    @Test
    void exportsAnEmptyProjectAsAHeaderAndAnEndLine() throws Exception {
        List<JsonNode> lines = lines(as(admin).get(export()).then().statusCode(200).extract().response());

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).toString()).isEqualTo("{\"type\":\"end\",\"records\":0,\"unreadable\":0,\"progress\":0,\"tasks\":0}");
    }

    @Test
    void writesEachEntryOnOneLineThatAnyLineSplitterReadsWhole() throws Exception {
        String value = "{\"text\": \"a\\u2028b\\u2029c\\u0085d\\ne\"}";
        as(writer).body("{\"value\": " + value + "}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);

        String body = as(admin).get(export()).then().statusCode(200).extract().asString();

        assertThat(body).doesNotContain("\u2028", "\u2029", "\u0085", "\r");
        assertThat(body.split("\n")).hasSize(3);
        assertThat(JSON.readTree(body.split("\n")[1]).path("value").path("text").asText()).isEqualTo("a\u2028b\u2029c\u0085d\ne");
    }

    @Test
    void exportsOnlyForAnAdministratorOfTheProject() {
        as(writer).body("{\"value\": \"secret\"}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);

        for (String refused : List.of(writer, keyFor(List.of(freshProject()), "admin"))) {
            Response response = as(refused).get(export());
            response.then().statusCode(403).contentType("application/problem+json");
            assertThat(response.asString()).doesNotContain("secret");
        }
        RestAssured.given().get(export()).then().statusCode(401).contentType("application/problem+json");
        as(admin).get("/v1/admin/projects/Not_Valid!/export").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void resumesAnExportAfterTheGivenKeyAndSaysSoInItsHeader() throws Exception {
        for (String name : List.of("a", "b", "c", "d")) {
            as(writer).body("{\"value\": \"" + name + "\"}").put("/v1/projects/" + project + "/cache/" + name).then().statusCode(201);
        }

        List<JsonNode> lines = lines(as(admin).queryParam("after", "b").get(export()).then().statusCode(200).extract().response());

        assertThat(lines.get(0).path("after").asText()).isEqualTo("b");
        assertThat(lines.subList(1, lines.size() - 1)).extracting(line -> line.path("key").asText()).containsExactly("c", "d");
        assertThat(lines.get(lines.size() - 1).path("records").asLong()).isEqualTo(2);
        for (String notAKey : List.of("not a key", "k".repeat(251), "caf\u00e9", "a\u0000b")) {
            Response bad = as(admin).queryParam("after", notAKey).get(export());
            bad.then().statusCode(400).contentType("application/problem+json");
            assertThat(bad.asString()).contains("after");
        }
        assertThat(lines(as(admin).queryParam("after", "").get(export()).then().statusCode(200).extract().response()))
                .as("an empty after is the whole export").hasSize(6);
    }

    @Test
    void listsTheProjectsHoldingDataThatTheCallerAdministers() {
        String other = freshProject();
        as(writer).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);
        as(cacheKeyFor(other)).body("{\"value\": 1}").put("/v1/projects/" + other + "/cache/k").then().statusCode(201);
        String empty = freshProject();
        String followed = freshProject();
        as(keyFor(List.of(followed), "progress")).body("{\"correlationId\": \"only-progress\", \"totalSteps\": 2}")
                .post("/v1/projects/" + followed + "/progress").then().statusCode(201);
        String both = keyFor(List.of(project, other, empty, followed), "admin");

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = as(both).queryParam("limit", 1).queryParam("cursor", cursor == null ? "" : cursor).get("/v1/admin/projects")
                    .then().statusCode(200).extract().response();
            seen.addAll(page.jsonPath().getList("items", String.class));
            cursor = page.jsonPath().getString("nextCursor");
        } while (cursor != null);

        assertThat(seen).as("projects with entries, and one with only a progress operation")
                .containsExactlyElementsOf(List.of(project, other, followed).stream().sorted().toList());
        assertThat(as(admin).get("/v1/admin/projects").jsonPath().getList("items", String.class)).containsExactly(project);
        as(writer).get("/v1/admin/projects").then().statusCode(403).contentType("application/problem+json");
        as(both).queryParam("limit", 0).get("/v1/admin/projects").then().statusCode(400).contentType("application/problem+json");
    }
}
