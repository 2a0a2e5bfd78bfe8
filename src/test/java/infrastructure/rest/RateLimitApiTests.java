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
    void reportsOneCeilingRequestsPlusBurstInTheBodyAndTheHeaders() {
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60),
                        Map.of("requests", 20, "windowSeconds", 3600)), "burst", 2))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(200);

        for (int i = 0; i < 7; i++) {
            Response allowed = check("barbara");
            allowed.then().body("allowed", equalTo(true))
                    .body("limit", equalTo(7)).body("remaining", equalTo(6 - i))
                    .body("windows.requests", equalTo(List.of(5, 20)))
                    .body("windows.limit", equalTo(List.of(7, 22)))
                    .body("windows.remaining", equalTo(List.of(6 - i, 21 - i)));
            List<RateLimitFields.Item> quota = RateLimitFields.parse(allowed.header("RateLimit-Policy"));
            List<RateLimitFields.Item> left = RateLimitFields.parse(allowed.header("RateLimit"));
            assertThat(quota).extracting(q -> q.params().get("q")).containsExactly(7L, 22L);
            assertThat(left).extracting(r -> r.params().get("r")).containsExactly(6L - i, 21L - i);
            assertThat(allowed.<Integer>path("remaining")).isLessThanOrEqualTo(allowed.<Integer>path("limit"));
        }
        check("barbara").then().body("allowed", equalTo(false)).body("limit", equalTo(7)).body("remaining", equalTo(0));
        as(key).get("/v1/projects/" + project + "/rate-limits/" + policy + "/user/barbara").then()
                .body("windows.limit", equalTo(List.of(7, 22))).body("windows.remaining", equalTo(List.of(0, 15)));
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

        check("bjarne").then().body("allowed", equalTo(true)).body("limit", equalTo(52)).body("windows.size()", equalTo(1));
    }

    @Test
    void managesPoliciesWithTheAdminScopeOnly() {
        as(key).body(Map.of("limits", List.of(Map.of("requests", 1, "windowSeconds", 1))))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(403);
        as(key).delete("/v1/rate-limit-policies/" + policy).then().statusCode(403);

        as(key).get("/v1/rate-limit-policies/" + policy).then().statusCode(200)
                .body("limits.requests", equalTo(List.of(5, 20))).body("failMode", equalTo("open")).body("source", equalTo("stored"));
        as(key).queryParam("limit", 1000).get("/v1/rate-limit-policies").then().statusCode(200)
                .body("items.name", hasItem(policy)).body("items.name", hasItem("default"))
                .body("items.find { it.name == 'default' }.source", equalTo("configuration"))
                .body("items.find { it.name == 'default' }.limits[0].requests", equalTo(100))
                .body("items.find { it.name == 'default' }.limits[0].windowSeconds", equalTo(3600));

        asAdmin().delete("/v1/rate-limit-policies/" + policy).then().statusCode(204);
        as(key).get("/v1/rate-limit-policies/" + policy).then().statusCode(404).contentType("application/problem+json");
        // DELETE is idempotent: the policy is absent, as asked. A configured one cannot be deleted at all.
        asAdmin().delete("/v1/rate-limit-policies/" + policy).then().statusCode(204);
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
                .put(put).then().statusCode(400).body("violations[0].field", equalTo("burst"));
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60))))
                .put("/v1/rate-limit-policies/Bad Name").then().statusCode(400);
    }

    @Test
    void namesTheFieldOfEveryRuleAWholePolicyBreaks() {
        String put = "/v1/rate-limit-policies/" + policy;
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 60)), "burst", 1_000_000_001L))
                .put(put).then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", equalTo(List.of("burst")));
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 5, "windowSeconds", 3600),
                        Map.of("requests", 5, "windowSeconds", 60), Map.of("requests", 9, "windowSeconds", 60))))
                .put(put).then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", equalTo(List.of("limits[2].windowSeconds")))
                .body("violations[0].message", org.hamcrest.Matchers.containsString("limits[1]"));
    }

    @Test
    void refusesAnApiPolicyBelowTheMinimumRateNamingTheLimit() {
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 100_000, "windowSeconds", 3600),
                        Map.of("requests", 3, "windowSeconds", 60))))
                .put("/v1/rate-limit-policies/api").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:validation"))
                .body("violations.field", equalTo(List.of("limits[1].requests")))
                .body("violations[0].message", org.hamcrest.Matchers.containsString("at least 60 requests per 60 s"));
        asAdmin().get("/v1/rate-limit-policies/api").then().statusCode(200).body("source", equalTo("configuration"));
        // the minimum is the api policy's alone: any other policy may be as strict as it likes
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 3, "windowSeconds", 60))))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(200);
    }

    @Test
    void neverThrottlesTheBootstrapKeyNorAnAdministratorAdministeringThePolicyApi() {
        String admin = keyFor(List.of("*"), "admin");
        String busy = keyFor(List.of(project), "rate-limits");
        Map<String, Object> minimum = Map.of("limits", List.of(Map.of("requests", 60, "windowSeconds", 60)));
        try {
            asAdmin().body(minimum).put("/v1/rate-limit-policies/api").then().statusCode(201);
            for (int i = 0; i < 60; i++) {
                as(admin).get("/v1/rate-limit-policies").then().statusCode(200);
            }
            as(admin).get("/v1/rate-limit-policies").then().statusCode(429);

            // over the policy api, an administrator still reads and replaces it
            as(admin).get("/v1/rate-limit-policies/api").then().statusCode(200).body("limits[0].requests", equalTo(60));
            as(admin).body(Map.of("limits", List.of(Map.of("requests", 60, "windowSeconds", 60)), "failMode", "closed"))
                    .put("/v1/rate-limit-policies/api").then().statusCode(200).body("failMode", equalTo("closed"));

            // no one else gains that: a key without the admin scope is throttled there too
            for (int i = 0; i < 60; i++) {
                as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
            }
            as(busy).get("/v1/rate-limit-policies/api").then().statusCode(429);

            // and the operator's bootstrap key is never throttled by it
            for (int i = 0; i < 70; i++) {
                asAdmin().get("/v1/rate-limit-policies").then().statusCode(200);
            }
            as(admin).delete("/v1/rate-limit-policies/api").then().statusCode(204);
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api");
        }
        as(admin).get("/v1/rate-limit-policies").then().statusCode(200);
        as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
    }

    @Test
    void limitsEveryPrincipalByThePolicyApi() {
        String busy = keyFor(List.of(project), "rate-limits");
        // a window of its own (7 s), so no principal carries counts into it from earlier tests
        try {
            // the configured api policy is overridden by a stored one: created, so 201
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 8, "windowSeconds", 7))))
                    .put("/v1/rate-limit-policies/api").then().statusCode(201).body("source", equalTo("stored"));
            for (int i = 0; i < 8; i++) {
                as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
            }
            Response refused = as(busy).get("/v1/rate-limit-policies");

            refused.then().statusCode(429).contentType("application/problem+json")
                    .body("type", equalTo("urn:cache-domain:problem:quota-exceeded"));
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 14L);
            assertThat(RateLimitFields.parse(refused.header("RateLimit")).get(0).params()).containsEntry("r", 0L);
            assertThat(RateLimitFields.parse(refused.header("RateLimit-Policy")).get(0).params()).containsEntry("q", 8L);
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api").then().statusCode(204);
        }
        as(busy).get("/v1/rate-limit-policies").then().statusCode(200);
    }

    @Test
    void countsEveryOpeningOfAStreamTicketAgainstThePolicyApiAsTheTicketsOwn() {
        String worker = keyFor(List.of(project), "progress");
        String id = as(worker).body(Map.of("totalSteps", 1)).post("/v1/projects/" + project + "/progress")
                .then().statusCode(201).extract().path("id");
        as(worker).body(Map.of()).post("/v1/projects/" + project + "/progress/" + id + "/complete").then().statusCode(200);
        String ticket = as(worker).post("/v1/projects/" + project + "/progress/" + id + "/tickets").then().statusCode(201)
                .extract().path("ticket");
        String events = "/v1/projects/" + project + "/progress/" + id + "/events";
        try {
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 8, "windowSeconds", 7))))
                    .put("/v1/rate-limit-policies/api").then().statusCode(201);
            for (int i = 0; i < 8; i++) {
                io.restassured.RestAssured.given().queryParam("ticket", ticket).header("Last-Event-ID", "3").get(events)
                        .then().log().ifValidationFails().statusCode(204);
            }

            // A client that presents one ticket over and over is held to the policy, like any principal.
            io.restassured.RestAssured.given().queryParam("ticket", ticket).header("Last-Event-ID", "3").get(events)
                    .then().statusCode(429).body("type", equalTo("urn:cache-domain:problem:quota-exceeded"));
            as(worker).get("/v1/projects/" + project + "/progress/" + id).then().statusCode(200);
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api").then().statusCode(204);
        }
    }

    @Test
    void countsRequestsToPathsNoEndpointMatchesAgainstThePolicyApi() {
        String busy = keyFor(List.of(project), "rate-limits");
        try {
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 8, "windowSeconds", 7))))
                    .put("/v1/rate-limit-policies/api").then().statusCode(201);
            for (int i = 0; i < 4; i++) {
                as(busy).get("/v1/no-such-resource").then().statusCode(404);
                as(busy).delete("/v1/rate-limit-policies").then().statusCode(405);
            }

            as(busy).get("/v1/rate-limit-policies").then().statusCode(429);
            as(busy).get("/v1/no-such-resource").then().statusCode(429)
                    .body("type", equalTo("urn:cache-domain:problem:quota-exceeded"));
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api").then().statusCode(204);
        }
        as(busy).get("/v1/no-such-resource").then().statusCode(404);
    }

    @Test
    void exemptsAnAdministratorOnThePolicyApisOwnEndpointOnly() {
        String admin = keyFor(List.of("*"), "admin");
        try {
            asAdmin().body(Map.of("limits", List.of(Map.of("requests", 60, "windowSeconds", 60))))
                    .put("/v1/rate-limit-policies/api").then().statusCode(201);
            for (int i = 0; i < 60; i++) {
                as(admin).get("/v1/rate-limit-policies").then().statusCode(200);
            }

            // the policy api's own endpoint is exempt, with or without a trailing slash
            as(admin).get("/v1/rate-limit-policies/api").then().statusCode(200);
            as(admin).get("/v1/rate-limit-policies/api/").then().statusCode(200);
            // another policy's endpoint of the same kind is not
            as(admin).get("/v1/rate-limit-policies/default").then().statusCode(429);
        } finally {
            asAdmin().delete("/v1/rate-limit-policies/api");
        }
    }
}
