package infrastructure.rest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import support.BrowserProfile;

/** CORS configured without credentials and for GET only: no Allow-Credentials anywhere, no DELETE for pages. */
@QuarkusTest
@TestProfile(BrowserProfile.WithoutCredentials.class)
class BrowserCorsWithoutCredentialsTest {

    static final String PAGE = BrowserProfile.SAME_SITE_ORIGIN;

    @Test
    void grantsThePreflightAndTheReadWithoutAllowCredentials() {
        String project = freshProject();
        String reader = keyFor(List.of(project), "progress");
        String path = "/v1/projects/" + project + "/progress";

        BrowserCorsTest.preflight(PAGE, "GET", null, path).then().statusCode(204)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .header("Access-Control-Allow-Credentials", nullValue());
        as(reader).header("Origin", PAGE).get(path).then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(PAGE))
                .header("Access-Control-Allow-Credentials", nullValue());
    }

    @Test
    void refusesAMethodTheConfigurationLeavesOut() {
        BrowserCorsTest.preflight(PAGE, "DELETE", null, "/v1/sessions/current").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
        BrowserCorsTest.preflight(PAGE, "GET", null, "/v1/sessions/current").then().statusCode(204)
                .header("Access-Control-Allow-Methods", equalTo("GET"));
    }
}
