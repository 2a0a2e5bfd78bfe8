package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Http;

/**
 * The service's rules for JSON bodies (see {@link JsonRules}), as a hostile client meets them, on
 * every endpoint that stores client text. Runs once per store: what is refused is refused before
 * any store sees it, and what is stored reads back exactly on both.
 */
abstract class JsonRulesApiTests {

    private static final String VALIDATION = "urn:cache-domain:problem:validation";
    private static final String MALFORMED = "urn:cache-domain:problem:malformed-json";

    String project;
    String key;

    @BeforeEach
    void newProjectAndKey() {
        project = freshProject();
        key = cacheKeyFor(project);
    }

    String entry(String name) {
        return "/v1/projects/" + project + "/cache/" + name;
    }

    Response put(String name, String body) {
        return as(key).body(body).put(entry(name));
    }

    Response putBytes(String name, byte[] body) {
        return as(key).body(body).put(entry(name));
    }

    /** The entry's value exactly as served: the text between {@code "value":} and {@code ,"version"}. */
    String servedValue(String name) {
        String body = as(key).get(entry(name)).then().statusCode(200).extract().asString();
        return body.substring(body.indexOf("\"value\":") + 8, body.indexOf(",\"version\":"));
    }

    void refusedWith(Response response, String field, String rule) {
        response.then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(VALIDATION))
                .body("violations.field", equalTo(List.of(field)))
                .body("violations[0].message", containsString(rule));
    }

    /**
     * The problem a body nested thousands deep gets, sent with java.net.http: RestAssured takes about
     * 5 s to send such a body, where the service answers it in under 0.1 s.
     */
    JsonNode refusedDeep(String body) {
        Http.Answer answer = Http.put(entry("k"), key, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        try {
            JsonNode problem = new ObjectMapper().readTree(answer.body());
            assertThat(problem.path("type").asText()).isEqualTo(VALIDATION);
            return problem;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void malformed(Response response, String what) {
        response.then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(MALFORMED))
                .body("detail", containsString(what));
    }

    void nothingStoredUnder(String name) {
        as(key).get(entry(name)).then().statusCode(404);
        as(key).head(entry(name)).then().statusCode(404);
        as(key).get("/v1/projects/" + project + "/cache").then().statusCode(200).body("items", not(org.hamcrest.Matchers.hasItem(name)));
    }

    // --- 1. unpaired surrogates

    @Test
    void refusesAnUnpairedSurrogateInAValueAndStoresNothing() {
        refusedWith(put("k", "{\"value\": \"\\ud800x\"}"), "value", "unpaired UTF-16 surrogate");
        refusedWith(put("k", "{\"value\": \"x\\udc00\"}"), "value", "unpaired UTF-16 surrogate");
        refusedWith(put("k", "{\"value\": \"\\ude00\\ud83d\"}"), "value", "unpaired UTF-16 surrogate");

        nothingStoredUnder("k");
    }

    @Test
    void namesThePathOfAnUnpairedSurrogateAtAnyDepthInStringsAndFieldNames() {
        refusedWith(put("k", "{\"value\": {\"a\": [1, true, \"\\udbff\"]}}"), "value.a[2]", "unpaired");
        refusedWith(put("k", "{\"value\": [{\"ok\": {\"\\ud800name\": 1}}]}"), "value[0].ok", "field name");
        refusedWith(put("k", "{\"value\": {\"\\udfff\": 1}}"), "value", "field name");

        nothingStoredUnder("k");
    }

    @Test
    void storesAPairedSurrogateEscapeAsTheCharacterItEncodes() {
        put("k", "{\"value\": {\"\\ud83d\\ude00\": \"\\ud83c\\udf89 ok\"}}").then().statusCode(201);

        assertThat(servedValue("k")).isEqualTo("{\"😀\":\"🎉 ok\"}");
    }

    @Test
    void refusesAnUnpairedSurrogateInSessionUserDataProgressMessagesAndEveryOtherStringField() {
        String backend = keyFor(List.of(project), "sessions", "progress");
        refusedWith(as(backend).body("{\"userId\": \"u1\", \"userData\": {\"name\": [\"\\ud800\"]}, \"projectAccess\": []}")
                .post("/v1/sessions"), "userData.name[0]", "unpaired");
        refusedWith(as(backend).body("{\"userId\": \"u\\ud800\", \"projectAccess\": []}").post("/v1/sessions"),
                "userId", "unpaired");
        refusedWith(as(backend).body("{\"userId\": \"u1\", \"projectAccess\": [\"" + project + "\", \"\\ud800\"]}")
                .post("/v1/sessions"), "projectAccess[1]", "unpaired");
        refusedWith(as(backend).body("{\"token\": \"cds_\\udc00\"}").post("/v1/sessions/validate"), "token", "unpaired");
        refusedWith(as(key).body("{\"value\": 1, \"tags\": [\"\\udc00\"]}").put(entry("k")), "tags[0]", "unpaired");
        String progress = "/v1/projects/" + project + "/progress";
        refusedWith(as(backend).body("{\"totalSteps\": 3, \"message\": \"\\ud800\"}").post(progress), "message", "unpaired");
        as(backend).body("{\"correlationId\": \"op\", \"totalSteps\": 3}").post(progress).then().statusCode(201);
        refusedWith(as(backend).body("{\"message\": \"row \\udc00\"}").post(progress + "/op/steps"), "message", "unpaired");
        refusedWith(as(backend).body("{\"message\": \"\\ud800\"}").post(progress + "/op/complete"), "message", "unpaired");
        refusedWith(as(backend).body("{\"error\": \"\\ud800\"}").post(progress + "/op/fail"), "error", "unpaired");

        as(backend).get(progress + "/op").then().statusCode(200).body("status", equalTo("RUNNING"))
                .body("currentStep", equalTo(0));
    }

    // --- 2. numbers

    @Test
    void keepsEveryNumberExactlyAsWritten() {
        for (String number : List.of("1e400", "-1e400", "123456789012345678901234567890", "0.1000000000000000055511151231257827",
                "-0.0", "-0", "9223372036854775808", "4.9E-324", "1e-400", "2.50", "1E+2")) {
            put("n", "{\"value\": " + number + "}").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
            assertThat(servedValue("n")).as(number).isEqualTo(number);
        }
        put("n", "{\"value\": {\"big\": [1e400, -1e400, 123456789012345678901234567890]}}").then().statusCode(200);
        assertThat(servedValue("n")).isEqualTo("{\"big\":[1e400,-1e400,123456789012345678901234567890]}");
    }

    @Test
    void keepsTheNumbersOfSessionUserDataExactly() {
        String backend = keyFor(List.of(project), "sessions");
        String id = as(backend).body("{\"userId\": \"u1\", \"userData\": {\"n\": 1e400, \"d\": 0.1000000000000000055511151231257827}, "
                + "\"projectAccess\": []}").post("/v1/sessions").then().statusCode(201).extract().path("sessionId");

        String body = as(backend).get("/v1/sessions/" + id).then().statusCode(200).extract().asString();
        assertThat(body).contains("\"userData\":{\"n\":1e400,\"d\":0.1000000000000000055511151231257827}");
    }

    // --- 3. one document, no coercion

    @Test
    void refusesContentAfterTheJsonDocumentAsMalformed() {
        malformed(put("k", "{\"value\": 1} xyz"), "content after the JSON document");
        malformed(put("k", "{\"value\": 1} {}"), "content after the JSON document");
        malformed(put("k", "{\"value\": 1} 2"), "content after the JSON document");
        malformed(put("k", "{\"value\": 1}}"), "content after the JSON document");
        put("k", "{\"value\": 1} xyz").then().body("detail", not(containsString("xyz")));

        nothingStoredUnder("k");
    }

    @Test
    void refusesAFieldTwiceInOneObjectNamingIt() {
        refusedWith(put("k", "{\"value\": 1, \"value\": 2}"), "value", "appears twice");
        refusedWith(put("k", "{\"value\": {\"a\": {\"x\": 1, \"y\": 2, \"x\": 3}}}"), "value.a.x", "appears twice");
        refusedWith(put("k", "{\"value\": [0, {\"x\": 1, \"x\": 1}]}"), "value[1].x", "appears twice");

        nothingStoredUnder("k");
    }

    @Test
    void refusesANumberWhereAWholeNumberOrAStringIsDueNamingTheField() {
        refusedWith(put("k", "{\"value\": 1, \"ttlSeconds\": 1.5}"), "ttlSeconds", "whole number");
        refusedWith(put("k", "{\"value\": 1, \"ttlSeconds\": 60.0}"), "ttlSeconds", "whole number");
        refusedWith(put("k", "{\"value\": 1, \"ttlSeconds\": \"60\"}"), "ttlSeconds", "whole number");
        refusedWith(put("k", "{\"value\": 1, \"ttlSeconds\": true}"), "ttlSeconds", "whole number");
        refusedWith(put("k", "{\"value\": 1, \"tags\": [\"a\", 2]}"), "tags[1]", "string");
        refusedWith(put("k", "{\"value\": 1, \"tags\": \"a\"}"), "tags", "array");
        nothingStoredUnder("k");

        String backend = keyFor(List.of(project), "sessions", "progress", "rate-limits");
        refusedWith(as(backend).body("{\"token\": 5}").post("/v1/sessions/validate"), "token", "string");
        refusedWith(as(backend).body("{\"token\": false}").post("/v1/sessions/validate"), "token", "string");
        refusedWith(as(backend).body("{\"userId\": 42, \"projectAccess\": []}").post("/v1/sessions"), "userId", "string");
        refusedWith(as(backend).body("{\"userId\": \"u\", \"projectAccess\": [], \"idleTimeoutSeconds\": \"600\"}")
                .post("/v1/sessions"), "idleTimeoutSeconds", "whole number");
        String progress = "/v1/projects/" + project + "/progress";
        refusedWith(as(backend).body("{\"totalSteps\": \"10\"}").post(progress), "totalSteps", "whole number");
        refusedWith(as(backend).body("{\"totalSteps\": 10, \"message\": 7}").post(progress), "message", "string");
        refusedWith(as(backend).body("{\"policy\": \"default\", \"scope\": \"ip\", \"identifier\": 1}")
                .post("/v1/projects/" + project + "/rate-limits/check"), "identifier", "string");
        refusedWith(as(backend).body("{\"policy\": \"default\", \"scope\": \"ip\", \"identifier\": \"a\", \"cost\": 1.5}")
                .post("/v1/projects/" + project + "/rate-limits/check"), "cost", "whole number");
    }

    // --- 4. the real cause of unreadable bodies

    @Test
    void namesInvalidUtf8AsTheCauseWithoutEchoingTheBytes() {
        byte[] prefix = "{\"value\": \"SECRET".getBytes(StandardCharsets.US_ASCII);
        for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0x80},
                // Forms Jackson alone would decode: overlong U+0000 and '/', an encoded surrogate, past U+10FFFF.
                new byte[] {(byte) 0xc0, (byte) 0x80}, new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
            byte[] body = new byte[prefix.length + bad.length + 2];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            body[body.length - 2] = '"';
            body[body.length - 1] = '}';
            Response response = putBytes("k", body);
            malformed(response, "invalid UTF-8");
            response.then().body("detail", containsString("at byte "));
            response.then().body("detail", not(containsString("SECRET")));
        }
        nothingStoredUnder("k");
        putBytes("k", "{\"value\": \"é😀\u2028\"}".getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
        assertThat(servedValue("k")).isEqualTo("\"é😀\u2028\"");
    }

    @Test
    void namesAnUnescapedControlCharacterAsTheCause() {
        Response response = put("k", "{\"value\": \"SECRET\u0001\"}");

        malformed(response, "unescaped control character (U+0001)");
        response.then().body("detail", not(containsString("SECRET")));
        malformed(put("k", "{\"value\": \"line\nbreak\"}"), "unescaped control character (U+000A)");
        nothingStoredUnder("k");
    }

    @Test
    void acceptsNestingUpToTheLimitAndNamesTheLimitBeyondIt() {
        int limit = JsonRules.MAX_VALUE_DEPTH;
        put("deep", "{\"value\": " + "[".repeat(limit) + "]".repeat(limit) + "}").then().statusCode(201);
        assertThat(servedValue("deep")).isEqualTo("[".repeat(limit) + "]".repeat(limit));

        String nested = "{\"a\":".repeat(limit) + "1" + "}".repeat(limit);
        put("objects", "{\"value\": " + nested + "}").then().statusCode(201);

        refusedWith(put("k", "{\"value\": " + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}"),
                "value" + "[0]".repeat(limit), "nests deeper than " + limit);
        JsonNode deep = refusedDeep("{\"value\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertThat(deep.path("violations")).hasSize(1);
        assertThat(deep.path("violations").get(0).path("field").asText()).isEqualTo("value" + "[0]".repeat(limit));
        assertThat(deep.path("violations").get(0).path("message").asText()).contains("nests deeper than " + limit);
        String backend = keyFor(List.of(project), "sessions");
        refusedWith(as(backend).body("{\"userId\": \"u\", \"projectAccess\": [], \"userData\": {\"a\": "
                        + "[".repeat(limit) + "]".repeat(limit) + "}}").post("/v1/sessions"),
                "userData.a" + "[0]".repeat(limit - 1), "nests deeper than " + limit);
        nothingStoredUnder("k");
    }

    @Test
    void namesTheBodyLimitForNestingOutsideStoredValues() {
        JsonNode problem = refusedDeep("{\"value\": 1, \"extra\": " + "[".repeat(5000) + "]".repeat(5000) + "}");

        assertThat(problem.path("detail").asText()).contains("nests deeper than " + JsonRules.MAX_BODY_DEPTH);
        nothingStoredUnder("k");
    }

    @Test
    void describesStoredValuesAsAnyJsonInTheOpenApiDocument() {
        io.restassured.path.json.JsonPath doc = io.restassured.RestAssured.given().queryParam("format", "json")
                .get("/q/openapi").then().statusCode(200).extract().jsonPath();

        for (String request : List.of("PutEntryRequest", "CreateSessionRequest")) {
            java.util.Map<String, Object> properties = doc.getMap("components.schemas." + request + ".properties");
            String field = request.equals("PutEntryRequest") ? "value" : "userData";
            assertThat(properties).containsKey(field);
            Object schema = properties.get(field);
            if (schema instanceof java.util.Map<?, ?> m && m.get("$ref") instanceof String ref) {
                schema = doc.getMap("components.schemas." + ref.substring(ref.lastIndexOf('/') + 1));
            }
            assertThat(String.valueOf(schema)).as(request).contains("any JSON value").doesNotContain("text");
            assertThat(((java.util.Map<?, ?>) schema).containsKey("type")).as("%s: any JSON has no type", request).isFalse();
        }
    }

    // --- 5. invalidation limits name their field

    @Test
    void namesTheFieldOfTooManyKeysOrTagsInAnInvalidation() {
        String invalidations = "/v1/projects/" + project + "/cache/invalidations";
        as(key).body("{\"keys\": " + quoted("k", 1001) + "}").post(invalidations).then().statusCode(400)
                .body("violations.field", equalTo(List.of("keys")));
        as(key).body("{\"tags\": " + quoted("t", 101) + "}").post(invalidations).then().statusCode(400)
                .body("violations.field", equalTo(List.of("tags")));
        as(key).body("{\"keys\": " + quoted("k", 1000) + ", \"tags\": " + quoted("t", 100) + "}").post(invalidations)
                .then().statusCode(200);
    }

    private static String quoted(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"" + prefix + i + "\"").toList().toString();
    }
}
