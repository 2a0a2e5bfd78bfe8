package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import support.OpenApiContract;

/**
 * Every body the OpenAPI document describes (an answer's, a request's) has a schema and at least one
 * example, and every example (of a success, a problem or a request) matches its own schema, checked by
 * the validator that {@link OpenApiContract} checks the service's real answers with.
 */
@QuarkusTest
class OpenApiExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyBodyHasAnExampleThatMatchesItsSchema() {
        OpenApiContract contract = OpenApiContract.INSTANCE;

        assertThat(problems(contract)).as("bodies without a schema or an example, or with an example that breaks its schema").isEmpty();
        assertThat(examples(contract.tree())).as("examples checked").isGreaterThan(500);
    }

    @Test
    void findsAMissingExampleAMissingSchemaAndAnExampleThatBreaksItsSchemaInAnAnswerOrARequest() throws IOException {
        String document = """
                {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/v1/things/{id}": {"get": {"responses": {
                  "200": {"description": "a thing", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"},
                    "examples": {"good": {"value": {"id": "t-1", "size": 3}}, "bad": {"value": {"id": 7, "size": "big"}}}}}},
                  "201": {"description": "no example", "content": {"application/json": {"schema": {"type": "object"}}}},
                  "202": {"description": "no schema", "content": {"application/json": {"example": {"id": "t-1"}}}},
                  "204": {"description": "no body"},
                  "205": {"description": "an answer of another type", "content": {"text/plain": {"schema": {"type": "string"}}}},
                  "404": {"description": "a problem", "content": {"application/problem+json": {
                    "schema": {"type": "object", "required": ["status"]}, "example": {"title": "Not Found"}}}}}},
                  "put": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"},
                    "example": {"size": "big"}}}}, "responses": {"204": {"description": "stored"}}}}},
                 "components": {"schemas": {"Thing": {"type": "object",
                   "properties": {"id": {"type": "string"}, "size": {"type": "integer"}}}}}}
                """;

        List<String> problems = problems(OpenApiContract.over(JSON.readTree(document).toString()));

        assertThat(problems).hasSize(7);
        assertThat(problems).filteredOn(p -> p.startsWith("GET /v1/things/{id} 200 application/json example bad:")).hasSize(2);
        assertThat(problems).contains("GET /v1/things/{id} 201 application/json has no example",
                "GET /v1/things/{id} 202 application/json has no schema", "GET /v1/things/{id} 205 text/plain has no example");
        assertThat(problems).filteredOn(p -> p.startsWith("GET /v1/things/{id} 404 application/problem+json example:")).hasSize(1);
        assertThat(problems).filteredOn(p -> p.startsWith("PUT /v1/things/{id} request application/json example:")).hasSize(1);
    }

    @Test
    void findsAnEventStreamExampleWhoseDataIsNotJson() {
        String document = """
                {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/v1/events": {"get": {"responses": {
                  "200": {"description": "a stream", "content": {"text/event-stream": {"schema": {"type": "string"},
                    "example": ":open\\nretry:3000\\n\\nid:1\\nevent:started\\ndata:{\\"sequence\\":1\\n\\n"}}}}}}}}
                """;

        assertThat(problems(OpenApiContract.over(document))).singleElement().asString()
                .startsWith("GET /v1/events 200 text/event-stream example: data is not JSON");
    }

    /** What breaks the rule in the contract's document: one line per body without a schema or an example, or per violation. */
    static List<String> problems(OpenApiContract contract) {
        List<String> problems = new ArrayList<>();
        contract.tree().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (!METHODS.contains(operation.getKey())) {
                return;
            }
            String at = "/paths/" + OpenApiContract.escape(path.getKey()) + "/" + operation.getKey();
            String named = operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            operation.getValue().path("requestBody").path("content").fields().forEachRemaining(media -> check(contract,
                    named + " request " + media.getKey(), at + "/requestBody/content/" + OpenApiContract.escape(media.getKey()),
                    media.getKey(), media.getValue(), problems));
            operation.getValue().path("responses").fields().forEachRemaining(response -> response.getValue().path("content").fields()
                    .forEachRemaining(media -> check(contract, named + " " + response.getKey() + " " + media.getKey(),
                            at + "/responses/" + response.getKey() + "/content/" + OpenApiContract.escape(media.getKey()),
                            media.getKey(), media.getValue(), problems)));
        }));
        return problems;
    }

    /** Checks one media type of a body, at {@code pointer} in the document. */
    private static void check(OpenApiContract contract, String where, String pointer, String mediaType, JsonNode media,
            List<String> problems) {
        Map<String, JsonNode> examples = examplesOf(media);
        if (!media.has("schema")) {
            problems.add(where + " has no schema");
        }
        if (examples.isEmpty()) {
            problems.add(where + " has no example");
        }
        if (!media.has("schema")) {
            return;
        }
        examples.forEach((name, value) -> {
            String label = where + " example" + (name.isEmpty() ? "" : " " + name) + ": ";
            if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
                contract.validate(pointer + "/schema", value).forEach(violation -> problems.add(label + violation));
            } else if (mediaType.equals("text/event-stream")) {
                eventStreamProblems(value).forEach(problem -> problems.add(label + problem));
            }
        });
    }

    /** An event stream's example is its text; each data line holds one JSON value, as SseFrames writes them. */
    private static List<String> eventStreamProblems(JsonNode example) {
        if (!example.isTextual()) {
            return List.of("an event stream's example must be its text");
        }
        List<String> problems = new ArrayList<>();
        for (String line : example.asText().split("\n")) {
            if (line.startsWith("data:")) {
                try {
                    JSON.readTree(line.substring("data:".length()));
                } catch (IOException e) {
                    problems.add("data is not JSON: " + line);
                }
            }
        }
        return problems;
    }

    /** The examples of a media type, by name; the unnamed {@code example} as "". */
    private static Map<String, JsonNode> examplesOf(JsonNode media) {
        Map<String, JsonNode> examples = new LinkedHashMap<>();
        if (media.has("example")) {
            examples.put("", media.get("example"));
        }
        media.path("examples").fields().forEachRemaining(example -> {
            if (example.getValue().has("value")) {
                examples.put(example.getKey(), example.getValue().get("value"));
            }
        });
        return examples;
    }

    private static int examples(JsonNode document) {
        int[] count = {0};
        document.path("paths").forEach(path -> path.forEach(operation -> operation.path("responses")
                .forEach(response -> response.path("content").forEach(media -> count[0] += examplesOf(media).size()))));
        return count[0];
    }
}
