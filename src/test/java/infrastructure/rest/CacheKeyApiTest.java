package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MemoryStoreProfile;

/**
 * Content-addressed cache keys over HTTP: {@code POST /v1/projects/{projectId}/cache-keys}. The
 * endpoint touches no store, so one store is enough.
 */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class CacheKeyApiTest {

    private static final String VALIDATION = Problem.Type.VALIDATION.uri();
    /** SHA-256 of {"options":[true,null,1.5],"qty":2,"sku":"A-1"}. */
    private static final String QUOTE_DIGEST = "db3a37b3dda30fa8bd04041487fead587d00885ae7f4e6df1651659afd96b8a9";

    String project;
    String key;

    @BeforeEach
    void newProjectAndKey() {
        project = freshProject();
        key = cacheKeyFor(project);
    }

    String keys() {
        return "/v1/projects/" + project + "/cache-keys";
    }

    Response derive(String body) {
        return as(key).body(body).post(keys());
    }

    void refusedWith(Response response, String field, String rule) {
        response.then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(VALIDATION))
                .body("violations.field", equalTo(List.of(field)))
                .body("violations[0].message", containsString(rule));
    }

    // --- keys

    @Test
    void answersTheNamespaceAndTheSha256OfTheMaterialsCanonicalJson() {
        derive("{\"namespace\": \"quote\", \"material\": {\"sku\": \"A-1\", \"qty\": 2, \"options\": [true, null, 1.50]}}")
                .then().statusCode(200).contentType("application/json")
                .body("key", equalTo("quote:" + QUOTE_DIGEST))
                .body("algorithm", equalTo("jcs-sha256"));
    }

    @Test
    void answersTheSameKeyWhateverTheMemberOrderWhitespaceEscapesOrNumberNotation() {
        String one = derive("{\"namespace\": \"quote\", \"material\": {\"sku\": \"A-1\", \"qty\": 2, \"options\": [true, null, 1.50]}}")
                .then().statusCode(200).extract().path("key");
        String other = derive("{\"material\":{ \"options\" : [ true,null,15E-1 ],\"qty\":2.0, \"sku\":\"\\u0041-1\" },\n"
                + "\"namespace\":\"quote\"}").then().statusCode(200).extract().path("key");

        assertThat(other).isEqualTo(one).isEqualTo("quote:" + QUOTE_DIGEST);
    }

    @Test
    void answersTheKeyOfEveryVectorOfTheVectorFile() throws Exception {
        String file = Files.readString(Path.of("docs/cache-key-vectors.json"));
        List<String[]> cases = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(file)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String[] vector = new String[3];
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("material")) {
                        // The material's own text, as the file writes it: 9007199254740993 stays as written.
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        p.getText(); // a string is read to its end only when asked for
                        vector[1] = file.substring(start, (int) p.currentLocation().getCharOffset());
                    } else if (field.equals("namespace")) {
                        vector[0] = p.getText();
                    } else if (field.equals("key")) {
                        vector[2] = p.getText();
                    }
                }
                cases.add(vector);
            }
        }

        assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
        for (String[] vector : cases) {
            String body = "{\"namespace\": \"" + vector[0] + "\", \"material\": " + vector[1] + "}";
            assertThat(derive(body).then().statusCode(200).extract().<String>path("key")).as(vector[0]).isEqualTo(vector[2]);
        }
    }

    @Test
    void derivesAKeyFromJsonNull() {
        // printf 'null' | sha256sum
        derive("{\"namespace\": \"n\", \"material\": null}").then().statusCode(200)
                .body("key", equalTo("n:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b"));
    }

    @Test
    void hashesALargeTextWithinTheBodyLimit() throws Exception {
        String text = "é😀x".repeat(1_000_000);
        byte[] canonical = ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8);
        String expected = "big:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));

        derive("{\"namespace\": \"big\", \"material\": \"" + text + "\"}").then().statusCode(200).body("key", equalTo(expected));
    }

    @Test
    void acceptsANamespaceOf185CharactersWithColonsAndTheKeyIsAValidCacheKey() {
        String namespace = "app:v2.";
        namespace = namespace + "n".repeat(185 - namespace.length());

        String derived = derive("{\"namespace\": \"" + namespace + "\", \"material\": 1}").then().statusCode(200)
                .extract().path("key");

        assertThat(derived).hasSize(250).startsWith(namespace + ":");
        as(key).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/" + derived).then().statusCode(201);
    }

    @Test
    void storesNothing() {
        String derived = derive("{\"namespace\": \"n\", \"material\": {\"a\": 1}}").then().statusCode(200).extract().path("key");

        as(key).get("/v1/projects/" + project + "/cache/" + derived).then().statusCode(404);
        as(key).get("/v1/projects/" + project + "/cache").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void derivesWithAKeyThatMayOnlyReadTheCache() {
        String reader = keyFor(List.of(project), "cache:read");

        as(reader).body("{\"namespace\": \"quote\", \"material\": {\"sku\": \"A-1\", \"qty\": 2, \"options\": [true, null, 1.5]}}")
                .post(keys()).then().statusCode(200).body("key", equalTo("quote:" + QUOTE_DIGEST));
    }

    @Test
    void ignoresUnknownFieldsAsTheCacheWriteDoes() {
        as(key).body("{\"value\": 1, \"colour\": \"red\"}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201);

        derive("{\"namespace\": \"n\", \"material\": null, \"colour\": \"red\"}").then().statusCode(200)
                .body("key", equalTo("n:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b"));
    }

    // --- bad input: 400 problems naming the field

    @Test
    void rejectsANumberBeyondTheRangeOfADouble() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": {\"price\": [1, 1e400]}}"), "material.price[1]",
                "beyond the range of a double");
    }

    @Test
    void rejectsAWholeNumberBeyondTheRangeOfADouble() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": 1" + "0".repeat(400) + "}"), "material",
                "beyond the range of a double");
    }

    @Test
    void rejectsANonZeroNumberThatADoubleRoundsToZero() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": {\"tiny\": 1e-400}}"), "material.tiny", "rounds it to 0");
    }

    @Test
    void rejectsAMemberNameTwiceInOneObject() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": {\"a\": {\"b\": 1, \"b\": 1}}}"), "material.a.b", "appears twice");
    }

    @Test
    void rejectsAStringWithAnUnpairedSurrogate() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": [\"ok\", \"\\ud800x\"]}"), "material[1]", "unpaired UTF-16 surrogate");
    }

    @Test
    void rejectsAMemberNameWithAnUnpairedSurrogate() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": {\"a\": {\"\\udc00\": 1}}}"), "material.a", "unpaired UTF-16 surrogate");
    }

    @Test
    void rejectsAMissingNamespace() {
        refusedWith(derive("{\"material\": 1}"), "namespace", "namespace must be 1 to 185 characters");
    }

    @Test
    void rejectsANamespaceThatIsNotAString() {
        refusedWith(derive("{\"namespace\": 7, \"material\": 1}"), "namespace", "expected a string");
    }

    @Test
    void rejectsANamespaceLongerThan185Characters() {
        refusedWith(derive("{\"namespace\": \"" + "n".repeat(186) + "\", \"material\": 1}"), "namespace", "1 to 185 characters");
    }

    @Test
    void rejectsANamespaceOutsideTheKeyAlphabet() {
        refusedWith(derive("{\"namespace\": \"my namespace\", \"material\": 1}"), "namespace", "A-Z, a-z, 0-9");
        refusedWith(derive("{\"namespace\": \"\", \"material\": 1}"), "namespace", "A-Z, a-z, 0-9");
    }

    @Test
    void rejectsAMissingMaterial() {
        refusedWith(derive("{\"namespace\": \"n\"}"), "material", "material is required");
    }

    @Test
    void rejectsMaterialNestedDeeperThan64Levels() {
        refusedWith(derive("{\"namespace\": \"n\", \"material\": " + "[".repeat(65) + "]".repeat(65) + "}"), "material"
                + "[0]".repeat(64), "nests deeper than 64");
        derive("{\"namespace\": \"n\", \"material\": " + "[".repeat(64) + "]".repeat(64) + "}").then().statusCode(200);
    }

    @Test
    void rejectsABodyThatIsNotAnObject() {
        derive("[1, 2]").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        derive("\"quote\"").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void rejectsAnEmptyBody() {
        derive("").then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("type", equalTo(VALIDATION));
    }

    @Test
    void rejectsMalformedJson() {
        derive("{\"namespace\": \"n\", \"material\": {\"a\": }").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.Type.MALFORMED_JSON.uri()));
    }

    @Test
    void listsEveryViolationOfARequestAtOnce() {
        as(key).body("{\"namespace\": \"a b\"}").post("/v1/projects/Bad!/cache-keys").then().statusCode(400)
                .body("violations.field", equalTo(List.of("projectId", "namespace", "material")));
    }

    @Test
    void refusesABodyLargerThanTheLimitWith413() {
        derive("{\"namespace\": \"n\", \"material\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}").then().statusCode(413)
                .contentType(Problem.MEDIA_TYPE).body("type", equalTo(Problem.Type.PAYLOAD_TOO_LARGE.uri()));
    }

    @Test
    void refusesABodyThatIsNotJsonWith415() {
        as(key).contentType("text/plain").body("{}").post(keys()).then().statusCode(415).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void answersOnlyPost() {
        as(key).options(keys()).then().statusCode(200).header("Allow", equalTo("OPTIONS, POST"));
        // 404 rather than 405, as on the other paths below /v1/projects/{projectId}/ of a resource class of their own.
        as(key).get(keys()).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void describesTheMaterialAsAnyJsonAndTheAnswerInTheOpenApiDocument() {
        io.restassured.path.json.JsonPath doc = RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();

        assertThat(doc.getString("components.schemas.KeyRequest.properties.material.$ref")).isEqualTo("#/components/schemas/JsonValue");
        assertThat(doc.getMap("components.schemas.DerivedKey.properties")).containsOnlyKeys("key", "algorithm");
        assertThat(doc.getString("paths.'/v1/projects/{projectId}/cache-keys'.post.responses.'200'.content.'application/json'"
                + ".examples.quote.value.key")).isEqualTo("quote:" + QUOTE_DIGEST);
    }

    // --- access, as for reading the project's cache

    @Test
    void asksForCredentials() {
        for (Response r : List.of(RestAssured.given().contentType("application/json").body("{\"namespace\": \"n\", \"material\": 1}")
                .post(keys()), as("cdk_unknown").body("{\"namespace\": \"n\", \"material\": 1}").post(keys()))) {
            r.then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("type", equalTo(Problem.Type.UNAUTHENTICATED.uri()));
        }
    }

    @Test
    void forbidsAProjectTheKeyMayNotUseAsTheCacheDoes() {
        String other = freshProject();
        as(cacheKeyFor(other)).body("{\"value\": 1}").put("/v1/projects/" + other + "/cache/exists").then().statusCode(201);
        String body = "{\"namespace\": \"n\", \"material\": 1}";

        Response derived = as(key).body(body).post("/v1/projects/" + other + "/cache-keys");
        Response unused = as(key).body(body).post("/v1/projects/" + freshProject() + "/cache-keys");
        Response read = as(key).get("/v1/projects/" + other + "/cache/exists");

        for (Response r : List.of(derived, unused, read)) {
            r.then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("type", equalTo(Problem.Type.FORBIDDEN.uri()));
        }
        assertThat(derived.<String>path("detail")).isEqualTo(read.path("detail"));
    }

    @Test
    void forbidsAKeyWithoutTheScopeCacheRead() {
        String sessions = keyFor(List.of(project), "sessions");

        as(sessions).body("{\"namespace\": \"n\", \"material\": 1}").post(keys()).then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("cache:read"));
    }
}
