package support;

import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A project that uses every capability, for tests that watch all of them through a store fault:
 * an entry in its cache, a live session, two rate limit policies of its own, one failing open and
 * one failing closed, each with room for far more checks than a test makes, and a running operation.
 */
public final class Tenant {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final String project = freshProject();
    public final String cacheKey = keyFor(List.of(project), "cache:read", "cache:write");
    public final String sessionsKey = keyFor(List.of(project), "sessions");
    public final String limiterKey = keyFor(List.of(project), "rate-limits");
    public final String progressKey = keyFor(List.of(project), "progress");
    /** A running operation with room for far more steps than a test records. */
    public final String operation = "op-" + UUID.randomUUID();
    public final String openPolicy = "open-" + project;
    public final String closedPolicy = "closed-" + project;
    public final String token;

    private Tenant() {
        as(cacheKey).body("{\"value\": \"kept\"}").put(entryPath()).then().statusCode(201);
        token = as(sessionsKey).body(Map.of("userId", "u-" + UUID.randomUUID(), "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        as(progressKey).body(Map.of("correlationId", operation, "totalSteps", 1_000_000)).post(progressPath())
                .then().statusCode(201);
        for (String[] policy : List.of(new String[] {openPolicy, "open"}, new String[] {closedPolicy, "closed"})) {
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 1_000_000, "windowSeconds", 3600)), "failMode", policy[1]))
                    .put("/v1/rate-limit-policies/" + policy[0]).then().statusCode(201);
        }
    }

    /** A new project with an entry, a session and two policies; every key of it used once, so confirmed. */
    public static Tenant withEveryCapability() {
        Tenant tenant = new Tenant();
        tenant.readEntry();
        tenant.validateSession();
        tenant.check(tenant.openPolicy);
        tenant.check(tenant.closedPolicy);
        tenant.recordStep();
        return tenant;
    }

    public String entryPath() {
        return "/v1/projects/" + project + "/cache/entry";
    }

    public Http.Answer readEntry() {
        return Http.get(entryPath(), cacheKey);
    }

    public Http.Answer writeEntry() {
        return Http.put(entryPath(), cacheKey, "{\"value\": \"kept\"}");
    }

    public Http.Answer validateSession() {
        return Http.post("/v1/sessions/validate", sessionsKey, "{\"token\": \"" + token + "\"}");
    }

    public Http.Answer check(String policy) {
        return Http.post("/v1/projects/" + project + "/rate-limits/check", limiterKey,
                "{\"policy\": \"" + policy + "\", \"scope\": \"ip\", \"identifier\": \"192.0.2.7\"}");
    }

    public String progressPath() {
        return "/v1/projects/" + project + "/progress";
    }

    public Http.Answer recordStep() {
        return Http.post(progressPath() + "/" + operation + "/steps", progressKey, "{\"message\": \"a step\"}");
    }

    public Http.Answer readProgress() {
        return Http.get(progressPath() + "/" + operation, progressKey);
    }

    /** The JSON body of an answer. */
    public static JsonNode json(Http.Answer answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + answer.body(), e);
        }
    }
}
