package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.BrowserProfile;
import support.Commands;

/**
 * A real browser follows progress streams from a page on another origin: headless Chromium (the
 * system's {@code /usr/bin/chromium}) driven by the npm package {@code playwright-core}, installed
 * by this test with {@code npm ci} in {@code src/test/browser}. The script there serves the page
 * and a proxy between browser and service that cuts the streams mid-way; this test checks what the
 * page saw and what went over the wire. Skipped, saying why, where Chromium or Node.js is absent.
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class BrowserStreamTest {

    static final Path CHROMIUM = Path.of(System.getProperty("browser-test.chromium", "/usr/bin/chromium"));
    static final Path SCRIPTS = Path.of("src/test/browser");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The events every page must see, exactly: the snapshot, six steps (the cut after the third), the completion. */
    static final List<Long> IDS = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    static final List<String> TYPES = List.of("snapshot", "progress", "progress", "progress", "progress", "progress",
            "progress", "completed");
    static final List<Long> STEPS = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 6L);

    @Test
    void aPageOnAnotherOriginFollowsWithATicketAndWithTheCookieResumesAfterACutAndStopsOn204() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is absent; the browser test needs "
                + "Debian's chromium (apt-get install chromium), which .ci/run installs");
        Assumptions.assumeTrue(Commands.runs("node", "--version"), "skipped: Node.js (node, npm) is absent; the browser test needs it");
        Commands.npmCi(SCRIPTS, "node_modules/playwright-core", Path.of("target/browser-test-npm.log"));

        String project = freshProject();
        String worker = keyFor(List.of(project), "progress");
        List<Map<String, String>> scenarios = new ArrayList<>();
        scenarios.add(scenario("ticket", BrowserProfile.CROSS_SITE_ORIGIN, started(project, worker), "ticket"));
        scenarios.add(scenario("cookie", BrowserProfile.SAME_SITE_ORIGIN, started(project, worker), "cookie"));
        scenarios.add(scenario("cookie-cross-site", BrowserProfile.CROSS_SITE_ORIGIN, started(project, worker), "cookie-cross-site"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("service", "http://127.0.0.1:" + RestAssured.port);
        settings.put("chromium", CHROMIUM.toString());
        settings.put("pagePort", BrowserProfile.PAGE_PORT);
        settings.put("project", project);
        settings.put("worker", worker);
        settings.put("sessions", keyFor(List.of(project), "sessions"));
        settings.put("user", "u-" + UUID.randomUUID());
        settings.put("scenarios", scenarios);

        JsonNode results = run(settings).get("results");

        for (JsonNode followed : List.of(results.get(0), results.get(1))) {
            String name = followed.get("name").asText();
            JsonNode page = followed.get("follow");
            assertThat(longs(page.get("events"), "id")).as(name + ": event ids, none missed, none twice").isEqualTo(IDS);
            assertThat(texts(page.get("events"), "type")).as(name + ": event types").isEqualTo(TYPES);
            assertThat(longs(page.get("events"), "step")).as(name + ": steps").isEqualTo(STEPS);
            assertThat(followed.get("cutAt").asInt()).as(name + ": the cut came after the snapshot and three steps").isEqualTo(4);
            assertThat(page.get("readyState").asInt()).as(name + ": the EventSource is CLOSED").isEqualTo(2);
            assertThat(page.get("opens").asInt()).as(name + ": opened, then re-opened once after the cut").isEqualTo(2);
            JsonNode wire = followed.get("wire");
            assertThat(texts(wire.get("requests"), "lastEventId")).as(name + ": the stream requests and their Last-Event-ID: "
                    + "the first, the resume after the cut, the reconnect after the terminal event, and no more")
                    .containsExactly(null, "4", "8");
            assertThat(longs(wire, "statuses")).as(name + ": answered 200, 200, then 204").containsExactly(200L, 200L, 204L);
        }
        JsonNode byCookie = results.get(1).get("wire").get("requests");
        assertThat(byCookie.findValues("cookie")).as("the same-site page's requests carry the session cookie")
                .allMatch(JsonNode::asBoolean);
        // The page at localhost is another site than the service at 127.0.0.1: the browser keeps the cookie to its own host.
        JsonNode crossSite = results.get(2);
        assertThat(crossSite.get("held").asBoolean()).as("the browser holds the session cookie for the service's host").isTrue();
        assertThat(crossSite.get("wire").get("requests").findValues("cookie")).as("no cookie goes along from another site")
                .hasSize(1).noneMatch(JsonNode::asBoolean);
        assertThat(longs(crossSite.get("wire"), "statuses")).as("so the stream answers 401, once").containsExactly(401L);
        assertThat(crossSite.get("follow").get("events")).as("nothing followed").isEmpty();
        assertThat(crossSite.get("follow").get("readyState").asInt()).as("the EventSource gave up on the 401").isEqualTo(2);
    }

    private String started(String project, String worker) {
        return as(worker).body(Map.of("totalSteps", 6)).post("/v1/projects/" + project + "/progress")
                .then().statusCode(201).extract().path("id");
    }

    private static Map<String, String> scenario(String name, String origin, String operation, String credential) {
        return Map.of("name", name, "origin", origin, "operation", operation, "credential", credential);
    }

    private static JsonNode run(Map<String, Object> settings) throws Exception {
        Path input = Files.createTempFile("browser-test", ".json");
        Path output = Path.of("target/browser-test.out");
        Path log = Path.of("target/browser-test.log");
        try {
            Files.writeString(input, JSON.writeValueAsString(settings));
            Process node = new ProcessBuilder("node", "stream-in-browser.mjs", input.toAbsolutePath().toString())
                    .directory(SCRIPTS.toFile()).redirectOutput(output.toFile()).redirectError(log.toFile()).start();
            boolean finished = node.waitFor(3, TimeUnit.MINUTES);
            if (!finished) {
                node.destroyForcibly();
            }
            assertThat(finished).as("the browser script finished; see " + log).isTrue();
            assertThat(node.exitValue()).as("the browser script succeeded: " + Files.readString(log)).isZero();
            return JSON.readTree(Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static List<Long> longs(JsonNode array, String field) {
        List<Long> values = new ArrayList<>();
        (field.equals("statuses") ? array.get(field) : array).forEach(
                node -> values.add(field.equals("statuses") ? node.asLong() : node.get(field).asLong()));
        return values;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.get(field).isNull() ? null : node.get(field).asText()));
        return values;
    }
}
