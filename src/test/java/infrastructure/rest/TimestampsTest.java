package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.MemoryStoreProfile;

/** Every timestamp the service writes is an ISO-8601 UTC string with exactly three fraction digits. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class TimestampsTest {

    private static final String MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Inject
    ObjectMapper json;

    @Test
    void writesAnInstantOfNanosecondPrecisionInMillisecondsTruncatedNeverRoundedUp() throws Exception {
        assertThat(json.writeValueAsString(Instant.parse("2026-11-22T09:00:00.123999999Z"))).isEqualTo("\"2026-11-22T09:00:00.123Z\"");
        assertThat(json.writeValueAsString(Instant.parse("2026-11-22T09:00:00Z"))).isEqualTo("\"2026-11-22T09:00:00.000Z\"");
        assertThat(json.writeValueAsString(new HealthResource.SlowOperationView("cache.read", 1.5, "ok",
                Instant.parse("2026-11-22T09:00:00.000000001Z")))).contains("\"at\":\"2026-11-22T09:00:00.000Z\"");
    }

    @Test
    void aStreamTicketsExpiryIsInMillisecondsLikeEveryOtherTimestamp() {
        String project = freshProject();
        String worker = keyFor(List.of(project), "progress", "cache:read", "cache:write", "sessions", "tasks");
        String progress = "/v1/projects/" + project + "/progress";
        as(worker).body(Map.of("correlationId", "op-1", "totalSteps", 2)).post(progress).then().statusCode(201)
                .body("startedAt", matchesMillis()).body("updatedAt", matchesMillis());

        as(worker).post(progress + "/op-1/tickets").then().statusCode(201).body("expiresAt", matchesMillis());
        as(worker).body("{\"value\": 1}").put("/v1/projects/" + project + "/cache/k").then().statusCode(201)
                .body("expiresAt", matchesMillis());
        as(worker).get("/v1/projects/" + project + "/cache/k").then().statusCode(200)
                .body("createdAt", matchesMillis()).body("expiresAt", matchesMillis()).body("lastAccessAt", matchesMillis());
        as(worker).body(Map.of("userId", "u-" + UUID.randomUUID(), "projectAccess", List.of(project))).post("/v1/sessions")
                .then().statusCode(201).body("createdAt", matchesMillis()).body("idleExpiresAt", matchesMillis())
                .body("absoluteExpiresAt", matchesMillis());
        as(worker).body("{\"payload\": 1}").post("/v1/projects/" + project + "/queues/q/tasks").then().statusCode(201)
                .body("runAt", matchesMillis()).body("createdAt", matchesMillis());
        asAdmin().body(Map.of("name", "t-" + UUID.randomUUID(), "projects", List.of(project), "scopes", List.of("cache:read")))
                .post("/v1/admin/api-keys").then().statusCode(201).body("createdAt", matchesMillis());
    }

    private static org.hamcrest.Matcher<String> matchesMillis() {
        return org.hamcrest.Matchers.matchesPattern(MILLIS);
    }
}
