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
import support.MemoryStoreProfile;

/** With no origins configured (the default), no page of another origin is granted anything. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class NoCorsByDefaultTest {

    @Test
    void refusesEveryPreflightAndGrantsNoRead() {
        String project = freshProject();
        String path = "/v1/projects/" + project + "/progress";

        BrowserCorsTest.preflight("http://localhost:3000", "GET", null, path).then().statusCode(403)
                .body("type", equalTo("urn:cache-domain:problem:cors-refused"))
                .header("Access-Control-Allow-Origin", nullValue());
        as(keyFor(List.of(project), "progress")).header("Origin", "http://localhost:3000").get(path)
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }
}
