package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.BrowserProfile;
import support.SseClient;

/** CORS on the browser-facing reads only, preflights answered before authentication, with credentials configured. */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class BrowserCorsTest {

    static final String PAGE = BrowserProfile.SAME_SITE_ORIGIN;
    static final String STRANGER = "https://evil.example";

    String project;
    String worker;
    String operation;

    @BeforeEach
    void anOperation() {
        project = freshProject();
        worker = keyFor(List.of(project), "progress", "cache:read", "cache:write");
        operation = as(worker).body(Map.of("totalSteps", 3)).post(progress()).then().statusCode(201).extract().path("id");
    }

    String progress() {
        return "/v1/projects/" + project + "/progress";
    }

    static Response preflight(String origin, String method, String headers, String path) {
        var request = RestAssured.given().header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return request.options(path);
    }

    @Test
    void answersAPreflightForTheEventStreamFromAnAllowedOriginWithoutAnyCredential() {
        preflight(PAGE, "GET", "last-event-id,authorization", progress() + "/" + operation + "/events")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .header("Access-Control-Allow-Methods", equalTo("GET"))
                .header("Access-Control-Allow-Headers", equalTo("Authorization, Last-Event-ID"))
                .header("Access-Control-Allow-Credentials", equalTo("true"))
                .header("Access-Control-Max-Age", equalTo("600"))
                .header("Vary", containsString("Origin"))
                .header("WWW-Authenticate", nullValue());
    }

    @Test
    void answersPreflightsForEveryBrowserFacingRead() {
        for (String path : List.of(progress(), progress() + "/" + operation, progress() + "/" + operation + "/events",
                "/v1/sessions/current")) {
            preflight(PAGE, "GET", null, path).then().statusCode(204).header("Access-Control-Allow-Origin", equalTo(PAGE));
        }
        preflight(PAGE, "DELETE", null, "/v1/sessions/current").then().statusCode(204)
                .header("Access-Control-Allow-Methods", equalTo("GET, DELETE"));
    }

    @Test
    void refusesAPreflightFromAnOriginNotConfiguredWith403AndNoGrant() {
        for (String origin : List.of(STRANGER, "null", PAGE + ".evil.example", PAGE + "/")) {
            preflight(origin, "GET", null, progress() + "/" + operation + "/events")
                    .then().statusCode(403).contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("urn:cache-domain:problem:cors-refused"))
                    .header("Access-Control-Allow-Origin", nullValue());
        }
    }

    @Test
    void refusesAPreflightForAnyPathThatIsNotABrowserFacingRead() {
        for (String path : List.of("/v1/projects/" + project + "/cache/k", "/v1/admin/api-keys",
                progress() + "/" + operation + "/tickets", "/v1/sessions", "/v1/rate-limit-policies", "/v1/nope")) {
            preflight(PAGE, "GET", null, path).then().statusCode(403)
                    .body("type", equalTo("urn:cache-domain:problem:cors-refused"))
                    .header("Access-Control-Allow-Origin", nullValue());
        }
    }

    @Test
    void refusesAPreflightForAMethodOrHeaderThePathDoesNotOfferPages() {
        preflight(PAGE, "POST", null, progress()).then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
        preflight(PAGE, "DELETE", null, progress() + "/" + operation).then().statusCode(403);
        preflight(PAGE, "GET", "x-api-key", progress()).then().statusCode(403)
                .body("detail", containsString("x-api-key"));
    }

    @Test
    void grantsAnActualReadFromAnAllowedOriginWithVaryAndCredentials() {
        as(worker).header("Origin", PAGE).get(progress() + "/" + operation)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .header("Access-Control-Allow-Credentials", equalTo("true"))
                .header("Vary", containsString("Origin"));
    }

    @Test
    void grantsTheEventStreamItselfFromAnAllowedOrigin() {
        SseClient.Stream stream = SseClient.open(URI.create("http://localhost:" + RestAssured.port + progress() + "/" + operation
                + "/events"), Map.of("Authorization", "Bearer " + worker, "Origin", PAGE));

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Access-Control-Allow-Origin")).isEqualTo(PAGE);
        assertThat(stream.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(stream.header("Vary")).contains("Origin");
        stream.close();
    }

    @Test
    void grantsErrorsOfABrowserFacingReadSoThatThePageCanReadThem() {
        RestAssured.given().header("Origin", PAGE).get(progress() + "/" + operation)
                .then().statusCode(401).header("Access-Control-Allow-Origin", equalTo(PAGE));
        as(worker).header("Origin", PAGE).get(progress() + "/nope")
                .then().statusCode(404).header("Access-Control-Allow-Origin", equalTo(PAGE));
    }

    @Test
    void grantsNothingToAnOriginNotConfiguredButStillVariesByOrigin() {
        Response answer = as(worker).header("Origin", STRANGER).get(progress() + "/" + operation);

        answer.then().statusCode(200).header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        assertThat(answer.header("Vary")).contains("Origin");
    }

    @Test
    void grantsNothingOnPathsThatAreNotBrowserFacingReads() {
        as(worker).body(Map.of("value", 1)).put("/v1/projects/" + project + "/cache/k").then().statusCode(201);

        as(worker).header("Origin", PAGE).get("/v1/projects/" + project + "/cache/k")
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
        as(worker).header("Origin", PAGE).post(progress() + "/" + operation + "/tickets")
                .then().statusCode(201).header("Access-Control-Allow-Origin", nullValue());
        // A simple cross-origin POST (no preflight) to a browser-facing path is not granted either.
        as(worker).header("Origin", PAGE).body(Map.of("message", "x")).post(progress() + "/" + operation + "/steps")
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void leavesAnOptionsRequestThatIsNoPreflightToTheResource() {
        as(worker).options(progress()).then().statusCode(200).header("Allow", containsString("GET"))
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
