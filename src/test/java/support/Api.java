package support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Fixtures for REST tests that read like sentences: {@code Api.as(Api.keyFor("shop", "cache:read"))}. */
public final class Api {

    /** The bootstrap admin key every test profile configures (the %test profile of application.properties). */
    public static final String BOOTSTRAP_KEY = "test-bootstrap-key-0123456789abcdef0123456789";

    private Api() {
    }

    /** A request authenticated with {@code key}, sending and accepting JSON. */
    public static RequestSpecification as(String key) {
        return given().filter(OpenApiContract.INSTANCE).header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    public static RequestSpecification asAdmin() {
        return as(BOOTSTRAP_KEY);
    }

    /** Creates a key limited to {@code projects} with {@code scopes}; returns its secret. */
    public static String keyFor(List<String> projects, String... scopes) {
        return asAdmin()
                .body(Map.of("name", "k-" + UUID.randomUUID(), "projects", projects, "scopes", List.of(scopes)))
                .post("/v1/admin/api-keys")
                .then().statusCode(201)
                .extract().path("key");
    }

    /** A key with read and write on one project. */
    public static String cacheKeyFor(String project) {
        return keyFor(List.of(project), "cache:read", "cache:write");
    }

    /** A project id no other test uses. */
    public static String freshProject() {
        return "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
