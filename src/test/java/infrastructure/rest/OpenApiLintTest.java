package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.Commands;

/**
 * The service's OpenAPI document passes {@code redocly lint} (the npm package {@code @redocly/cli},
 * installed by this test with {@code npm ci} in {@code src/test/openapi}) with the recommended rules
 * and the exceptions {@code src/test/openapi/redocly.yaml} justifies: no error, and no warning it
 * does not name.
 */
@QuarkusTest
class OpenApiLintTest {

    private static final Path TOOLS = Path.of("src/test/openapi");

    @Test
    void theDocumentPassesRedoclyLintWithNoErrorAndNoWarning() throws Exception {
        Assumptions.assumeTrue(Commands.runs("node", "--version"), "skipped: Node.js (node, npm) is absent; .ci/run installs it");
        Commands.npmCi(TOOLS, "node_modules/@redocly/cli", Path.of("target/openapi-lint-npm.log"));
        Path document = Path.of("target/openapi.json").toAbsolutePath();
        Files.writeString(document, RestAssured.given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        Path report = Path.of("target/openapi-lint.json");
        Path log = Path.of("target/openapi-lint.log");

        Process lint = new ProcessBuilder("node", "node_modules/@redocly/cli/bin/cli.js", "lint", document.toString(),
                "--config", "redocly.yaml", "--format", "json", "--max-problems", "1000")
                .directory(TOOLS.toFile()).redirectOutput(report.toFile()).redirectError(log.toFile()).start();
        assertThat(lint.waitFor(3, TimeUnit.MINUTES)).as("redocly lint finished").isTrue();
        JsonNode result = new ObjectMapper().readTree(Files.readString(report, StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        result.path("problems").forEach(p -> problems.add(p.path("severity").asText() + " " + p.path("ruleId").asText() + ": "
                + p.path("message").asText() + " at " + p.path("location").path(0).path("pointer").asText()));

        assertThat(problems).as("redocly lint's problems (target/openapi-lint.json)").isEmpty();
        assertThat(result.path("totals").path("errors").asInt(-1)).isZero();
        assertThat(result.path("totals").path("warnings").asInt(-1)).isZero();
    }

    @Test
    void describesEveryListsLastPageAndTheHeadOfACacheEntryAndEveryOperationsProblems() throws Exception {
        JsonNode document = new ObjectMapper().readTree(RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());

        JsonNode schemas = document.path("components").path("schemas");
        List<String> lists = new ArrayList<>();
        schemas.fields().forEachRemaining(schema -> {
            JsonNode cursor = schema.getValue().path("properties").path("nextCursor");
            if (!cursor.isMissingNode()) {
                lists.add(schema.getKey());
                assertThat(cursor.path("type").toString()).as(schema.getKey()).contains("\"null\"");
            }
        });
        assertThat(lists).contains("TaskListing", "ApiKeyList", "SessionList", "PolicyList", "ProgressListing");
        JsonNode head = document.path("paths").path("/v1/projects/{projectId}/cache/{key}").path("head");
        assertThat(head.path("responses").has("200")).isTrue();
        assertThat(head.path("responses").path("200").has("content")).as("a HEAD has no body").isFalse();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (path.getKey().startsWith("/v1/") && !operation.getKey().equals("head")) {
                JsonNode unauthorized = operation.getValue().path("responses").path("401").path("content");
                assertThat(unauthorized.has("application/problem+json")).as("%s %s answers 401 as a problem", operation.getKey(),
                        path.getKey()).isTrue();
                assertThat(operation.getValue().path("security").isEmpty()).as("%s %s names its credentials",
                        operation.getKey(), path.getKey()).isFalse();
            }
        }));
    }
}
