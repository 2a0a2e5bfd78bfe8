package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RateLimitFields;

/** Rate limiting over HTTP, end to end; runs once per store (see the subclasses). */
abstract class RateLimitApiTests {

    String project;
    String key;
    String policy;

    @BeforeEach
    void aProjectAKeyAndAPolicyOfTheirOwn() {
        project = freshProject();
        key = keyFor(List.of(project), "rate-limits");
        policy = "p-" + UUID.randomUUID().toString().substring(0, 8);
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60),
                        Map.of("requests", 20, "windowSeconds", 3600))))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(201);
    }

    Response check(String identifier) {
        return check(key, project, identifier, null);
    }

    Response check(String as, String inProject, String identifier, Integer cost) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("policy", policy, "scope", "user", "identifier", identifier));
        if (cost != null) {
            body.put("cost", cost);
        }
        return as(as).body(body).post("/v1/projects/" + inProject + "/rate-limits/check");
    }

    @Test
    void admitsUpToTheLimitThenDeniesWithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            check("ada").then().statusCode(200).body("allowed", equalTo(true)).body("remaining", equalTo(4 - i))
                    .body("limit", equalTo(5)).body("retryAfterSeconds", nullValue());
        }
        Response denied = check("ada");

        denied.then().statusCode(200).body("allowed", equalTo(false)).body("remaining", equalTo(0))
                .body("degraded", equalTo(false));
        long retry = denied.<Integer>path("retryAfterSeconds");
        assertThat(retry).isBetween(1L, 120L);
        assertThat(denied.header("Retry-After")).isEqualTo(Long.toString(retry));
        denied.then().body("windows.windowSeconds", equalTo(List.of(60, 3600)))
                .body("windows.remaining", equalTo(List.of(0, 15)));
    }

    @Test
    void sendsRateLimitHeadersThatParseAsTheDraftDefinesThem() {
        Response allowed = check("grace");

        List<RateLimitFields.Item> policyField = RateLimitFields.parse(allowed.header("RateLimit-Policy"));
        List<RateLimitFields.Item> limitField = RateLimitFields.parse(allowed.header("RateLimit"));

        assertThat(policyField).extracting(RateLimitFields.Item::name).containsExactly(policy + "/60", policy + "/3600");
        assertThat(policyField.get(0).params()).containsEntry("q", 5L).containsEntry("w", 60L);
        assertThat(policyField.get(1).params()).containsEntry("q", 20L).containsEntry("w", 3600L);
        assertThat(limitField).extracting(RateLimitFields.Item::name).containsExactly(policy + "/60", policy + "/3600");
        assertThat(limitField.get(0).params()).containsEntry("r", 4L).containsKey("t");
        assertThat(limitField.get(0).params().get("t")).isBetween(1L, 60L);
        assertThat(limitField.get(1).params()).containsEntry("r", 19L);
    }

    @Test
    void countsTheCostInEveryWindowOrInNone() {
        check(key, project, "linus", 3).then().body("allowed", equalTo(true)).body("windows.remaining", equalTo(List.of(2, 17)));
        check(key, project, "linus", 3).then().body("allowed", equalTo(false));

        as(key).get("/v1/projects/" + project + "/rate-limits/" + policy + "/user/linus").then().statusCode(200)
                .body("windows.remaining", equalTo(List.of(2, 17)));
        check(key, project, "linus", 2).then().body("allowed", equalTo(true));
    }

    @Test
    void showsStateWithoutCountingAndResetsOnDelete() {
        check("ken");
        check("ken");
        String state = "/v1/projects/" + project + "/rate-limits/" + policy + "/user/ken";

        as(key).get(state).then().statusCode(200).body("windows.remaining", equalTo(List.of(3, 18)));
        as(key).get(state).then().statusCode(200).body("windows.remaining", equalTo(List.of(3, 18)));
        as(key).delete(state).then().statusCode(204);
        as(key).get(state).then().body("windows.remaining", equalTo(List.of(5, 20)));
    }

    @Test
    void keepsTwoProjectsCountersApartAndForbidsAnotherProject() {
        String other = freshProject();
        String both = keyFor(List.of(project, other), "rate-limits");
        for (int i = 0; i < 5; i++) {
            check(both, project, "same", null).then().body("allowed", equalTo(true));
        }
        check(both, project, "same", null).then().body("allowed", equalTo(false));

        check(both, other, "same", null).then().body("allowed", equalTo(true)).body("remaining", equalTo(4));
        check(key, other, "same", null).then().statusCode(403).contentType("application/problem+json");
        as(key).get("/v1/projects/" + other + "/rate-limits/" + policy + "/user/same").then().statusCode(403);
        as(key).delete("/v1/projects/" + other + "/rate-limits/" + policy + "/user/same").then().statusCode(403);
    }

    @Test
    void appliesAChangedPolicyOnTheNextCheck() {
        for (int i = 0; i < 5; i++) {
            check("bjarne");
        }
        check("bjarne").then().body("allowed", equalTo(false));

        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 50, "windowSeconds", 60)), "burst", 2))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(200).body("burst", equalTo(2));

        check("bjarne").then().body("allowed", equalTo(true)).body("limit", equalTo(50)).body("windows.size()", equalTo(1));
    }

    @Test
    void managesPoliciesWithTheAdminScopeOnly() {
        as(key).body(Map.of("limits", List.of(Map.of("requests", 1, "windowSeconds", 1))))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(403);
        as(key).delete("/v1/rate-limit-policies/" + policy).then().statusCode(403);

        as(key).get("/v1/rate-limit-policies/" + policy).then().statusCode(200)
                .body("limits.requests", equalTo(List.of(5, 20))).body("failMode", equalTo("open")).body("source", equalTo("stored"));
        as(key).get("/v1/rate-limit-policies").then().statusCode(200)
                .body("policies.name", hasItem(policy)).body("policies.name", hasItem("default"))
                .body("policies.find { it.name == 'default' }.source", equalTo("configuration"))
                .body("policies.find { it.name == 'default' }.limits[0].requests", equalTo(100))
                .body("policies.find { it.name == 'default' }.limits[0].windowSeconds", equalTo(3600));

        asAdmin().delete("/v1/rate-limit-policies/" + policy).then().statusCode(204);
        as(key).get("/v1/rate-limit-policies/" + policy).then().statusCode(404).contentType("application/problem+json");
        asAdmin().delete("/v1/rate-limit-policies/default").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void rejectsEachBadRateLimitRequestWithItsProblem() {
        String checkPath = "/v1/projects/" + project + "/rate-limits/check";
        as(key).body(Map.of("policy", "no-such-policy", "scope", "user", "identifier", "x")).post(checkPath)
                .then().statusCode(404).contentType("application/problem+json");
        as(key).body(Map.of("policy", policy, "scope", "planet", "identifier", "x")).post(checkPath)
                .then().statusCode(400).body("violations[0].field", equalTo("scope"));
        as(key).body(Map.of("policy", policy, "scope", "user", "identifier", "has space")).post(checkPath)
                .then().statusCode(400).body("violations[0].field", equalTo("identifier"));
        as(key).body(Map.of("policy", policy, "scope", "user", "identifier", "x", "cost", 6)).post(checkPath)
                .then().statusCode(400).body("violations[0].field", equalTo("cost"));
        as(key).body(Map.of("policy", policy, "scope", "user", "identifier", "x", "cost", 0)).post(checkPath)
                .then().statusCode(400);
        as(key).body(Map.of("policy", policy, "scope", "user", "identifier", "x", "cost", -1)).post(checkPath)
                .then().statusCode(400);
        as(key).body("{\"policy\": ").post(checkPath).then().statusCode(400).contentType("application/problem+json");

        String put = "/v1/rate-limit-policies/" + policy;
        for (Object limits : List.of(List.of(), List.of(Map.of("requests", 0, "windowSeconds", 60)),
                List.of(Map.of("requests", -5, "windowSeconds", 60)), List.of(Map.of("requests", 5, "windowSeconds", 0)),
                List.of(Map.of("requests", 5, "windowSeconds", -60)), List.of(Map.of("requests", 5)),
                List.of(Map.of("requests", 5, "windowSeconds", 60), Map.of("requests", 9, "windowSeconds", 60)))) {
            asAdmin().body(Map.of("limits", limits)).put(put).then().statusCode(400).contentType("application/problem+json");
        }
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60)), "failMode", "sometimes"))
                .put(put).then().statusCode(400).body("violations[0].field", equalTo("failMode"));
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60)), "burst", -1))
                .put(put).then().statusCode(400);
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60))))
                .put("/v1/rate-limit-policies/Bad Name").then().statusCode(400);
    }

    @Test
    void limitsEveryPrincipalByThePolicyApi() {
        String busy = keyFor(List.of(project), "rate-limits");
        // a window of its own (7 s), so no principal carries counts into it from earlier tests
        try {
            // the configured api policy is overridden by a stored one: created, so 201
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 4, "windowSeconds", 7))))
                    .put("/v1/rate-limit-policies/api").then().statusCode(201).body("source", equalTo("stored"));
            for (int i = 0; i < 4; i++) {
                as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
            }
            Response refused = as(busy).get("/v1/rate-limit-policies");

            refused.then().statusCode(429).contentType("application/problem+json")
                    .body("type", equalTo("urn:cache-domain:problem:quota-exceeded"));
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 14L);
            assertThat(RateLimitFields.parse(refused.header("RateLimit")).get(0).params()).containsEntry("r", 0L);
            assertThat(RateLimitFields.parse(refused.header("RateLimit-Policy")).get(0).params()).containsEntry("q", 4L);
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api").then().statusCode(204);
        }
        as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
    }
}
