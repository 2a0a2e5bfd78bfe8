package infrastructure.rest;

import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import support.TlsRedisProfile;

/** The service on a Redis it reaches over TLS only (rediss://, a CA of the test's own in the TLS registry). */
@QuarkusTest
@TestProfile(TlsRedisProfile.class)
class ServiceOverTlsTest {

    @Test
    void servesOverTlsAndItsSecurityStatusSaysSo() {
        String project = freshProject();
        String key = cacheKeyFor(project);
        as(key).body("{\"value\": {\"over\": \"tls\"}}").put("/v1/projects/" + project + "/cache/a").then().statusCode(201);
        as(key).get("/v1/projects/" + project + "/cache/a").then().statusCode(200).body("value.over", equalTo("tls"));

        asAdmin().get("/v1/admin/health").then().statusCode(200)
                .body("store.reachable", equalTo(true))
                .body("store.security.tls", equalTo(true))
                .body("store.security.auth", equalTo("none"))
                .body("store.security.warnings", org.hamcrest.Matchers.hasSize(2)); // no password, protected-mode no: not TLS
        asAdmin().get("/v1/admin/health").then().body("store.security.warnings.findAll { it.contains('not encrypted') }",
                equalTo(List.of()));
    }
}
