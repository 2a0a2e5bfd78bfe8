package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.RedisStoreProfile;

/** API key administration over HTTP, on the Redis store. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class ApiKeyApiTest {

    @Inject
    ReactiveRedisDataSource redis;

    private static String name() {
        return "key-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Response create(String as, String name, List<String> projects, List<String> scopes) {
        return as(as).body(Map.of("name", name, "projects", projects, "scopes", scopes)).post("/v1/admin/api-keys");
    }

    /** Every key name the listing shows {@code as}, over all its pages. */
    static List<String> listedNames(String as) {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            var request = as(as).queryParam("limit", 1000);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/admin/api-keys");
            page.then().statusCode(200);
            names.addAll(page.jsonPath().getList("items.name", String.class));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        return names;
    }

    @Test
    void showsTheSecretOnceAndNeverInTheListing() {
        String name = name();
        Response created = create(support.Api.BOOTSTRAP_KEY, name, List.of("shop"), List.of("cache:read"));

        created.then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/v1/admin/api-keys/" + name))
                .body("name", equalTo(name))
                .body("projects", equalTo(List.of("shop")))
                .body("scopes", equalTo(List.of("cache:read")));
        String secret = created.path("key");
        assertThat(secret).startsWith("cdk_").hasSize(47);

        assertThat(listedNames(support.Api.BOOTSTRAP_KEY)).contains(name);
        Response listing = asAdmin().queryParam("limit", 1000).get("/v1/admin/api-keys");
        assertThat(listing.asString()).doesNotContain(secret).doesNotContain("digest");
    }

    @Test
    void storesTheKeyOnlyAsADigest() {
        String secret = create(support.Api.BOOTSTRAP_KEY, name(), List.of("*"), List.of("cache:read")).path("key");

        List<String> values = new ArrayList<>();
        String cursor = "0";
        do {
            var reply = redis.execute(Command.SCAN, cursor, "COUNT", "1000").await().atMost(Duration.ofSeconds(5));
            cursor = reply.get(0).toString();
            for (var k : reply.get(1)) {
                String type = redis.execute(Command.TYPE, k.toString()).await().atMost(Duration.ofSeconds(5)).toString();
                if (type.equals("string")) {
                    values.add(redis.execute(Command.GET, k.toString()).await().atMost(Duration.ofSeconds(5)).toString());
                } else if (type.equals("hash")) {
                    redis.execute(Command.HGETALL, k.toString()).await().atMost(Duration.ofSeconds(5))
                            .forEach(v -> values.add(v.toString()));
                }
                values.add(k.toString());
            }
        } while (!cursor.equals("0"));

        assertThat(values).isNotEmpty().noneMatch(v -> v.contains(secret));
    }

    @Test
    void letsANewKeyWorkAtOnceAndARevokedKeyFailAtOnce() {
        String project = freshProject();
        String name = name();
        String secret = create(support.Api.BOOTSTRAP_KEY, name, List.of(project), List.of("cache:read")).path("key");
        as(secret).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);

        asAdmin().delete("/v1/admin/api-keys/" + name).then().statusCode(204);

        as(secret).get("/v1/projects/" + project + "/cache/k").then().statusCode(401);
        assertThat(listedNames(support.Api.BOOTSTRAP_KEY)).doesNotContain(name);
        // DELETE is idempotent: the key is absent, as asked.
        asAdmin().delete("/v1/admin/api-keys/" + name).then().statusCode(204);
    }

    @Test
    void refusesAStoredKeyNamedLikeTheOperatorsBootstrapKey() {
        // Tickets and audit lines name their holder: a stored "bootstrap" would pass for the operator.
        create(support.Api.BOOTSTRAP_KEY, "bootstrap", List.of("shop"), List.of("progress")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("operator"));
        assertThat(listedNames(support.Api.BOOTSTRAP_KEY)).doesNotContain("bootstrap");
    }

    @Test
    void refusesASecondKeyOfTheSameName() {
        String name = name();
        create(support.Api.BOOTSTRAP_KEY, name, List.of("*"), List.of("tasks")).then().statusCode(201);

        create(support.Api.BOOTSTRAP_KEY, name, List.of("*"), List.of("tasks")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:conflict"));
    }

    @Test
    void refusesAdministrationToAKeyWithoutTheAdminScope() {
        String plain = create(support.Api.BOOTSTRAP_KEY, name(), List.of("*"), List.of("cache:read", "cache:write")).path("key");

        create(plain, name(), List.of("*"), List.of("cache:read")).then().statusCode(403);
        as(plain).get("/v1/admin/api-keys").then().statusCode(403);
        as(plain).delete("/v1/admin/api-keys/anything").then().statusCode(403);
    }

    @Test
    void letsAnAdministratorGrantOnlyWhatItHolds() {
        String a = freshProject();
        String b = freshProject();
        String limitedAdmin = create(support.Api.BOOTSTRAP_KEY, name(), List.of(a), List.of("admin", "cache:read")).path("key");

        create(limitedAdmin, name(), List.of(a), List.of("cache:read")).then().statusCode(201);
        create(limitedAdmin, name(), List.of(b), List.of("cache:read")).then().statusCode(403);
        create(limitedAdmin, name(), List.of("*"), List.of("cache:read")).then().statusCode(403);
        create(limitedAdmin, name(), List.of(a), List.of("cache:write")).then().statusCode(403);
    }

    @Test
    void showsALimitedAdministratorOnlyTheKeysWithinItsProjects() {
        String a = freshProject();
        String outsider = name();
        create(support.Api.BOOTSTRAP_KEY, outsider, List.of(freshProject()), List.of("cache:read")).then().statusCode(201);
        String limitedAdmin = create(support.Api.BOOTSTRAP_KEY, name(), List.of(a), List.of("admin", "cache:read")).path("key");

        assertThat(listedNames(limitedAdmin)).doesNotContain(outsider);
        as(limitedAdmin).delete("/v1/admin/api-keys/" + outsider).then().statusCode(204);
        // Answered as for an absent key: the outsider's key is untouched.
        assertThat(listedNames(support.Api.BOOTSTRAP_KEY)).contains(outsider);
    }

    @Test
    void rejectsMalformedKeyRequestsListingEachViolation() {
        create(support.Api.BOOTSTRAP_KEY, "bad name!", List.of("Bad", "*", "ok"), List.of("root", "cache:read"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("name"))
                .body("violations.field", hasItem("projects"))
                .body("violations.field", hasItem("scopes[0]"));
        create(support.Api.BOOTSTRAP_KEY, name(), List.of(), List.of("cache:read")).then().statusCode(400);
        create(support.Api.BOOTSTRAP_KEY, name(), List.of("shop"), List.of()).then().statusCode(400);
        asAdmin().body("{\"name\": 5").post("/v1/admin/api-keys").then().statusCode(400)
                .contentType("application/problem+json");
        asAdmin().delete("/v1/admin/api-keys/" + "x".repeat(65)).then().statusCode(400);
    }

    @Test
    void readsOneKeyByNameWithItsExpiryAndLastUseButNeverItsSecret() {
        String project = freshProject();
        String name = name();
        String expiry = java.time.Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        Response created = as(support.Api.BOOTSTRAP_KEY).body(Map.of("name", name, "projects", List.of(project),
                "scopes", List.of("cache:read"), "expiresAt", expiry)).post("/v1/admin/api-keys");
        created.then().statusCode(201);
        assertThat(java.time.Instant.parse(created.path("expiresAt"))).isEqualTo(java.time.Instant.parse(expiry));
        String secret = created.path("key");

        Response read = asAdmin().get("/v1/admin/api-keys/" + name);
        read.then().statusCode(200).body("name", equalTo(name)).body("projects", equalTo(List.of(project)))
                .body("createdAt", equalTo(created.path("createdAt"))).body("lastUsedAt", org.hamcrest.Matchers.nullValue());
        assertThat(java.time.Instant.parse(read.path("expiresAt"))).isEqualTo(java.time.Instant.parse(expiry));
        assertThat(read.asString()).doesNotContain(secret).doesNotContain("digest");

        as(secret).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                asAdmin().get("/v1/admin/api-keys/" + name).then().body("lastUsedAt", org.hamcrest.Matchers.notNullValue()));
        assertThat(java.time.Instant.parse(asAdmin().get("/v1/admin/api-keys/" + name).path("lastUsedAt")))
                .isAfterOrEqualTo(java.time.Instant.parse(created.path("createdAt")));

        asAdmin().get("/v1/admin/api-keys/" + name()).then().statusCode(404).contentType("application/problem+json");
        String limitedAdmin = create(support.Api.BOOTSTRAP_KEY, name(), List.of(freshProject()), List.of("admin")).path("key");
        as(limitedAdmin).get("/v1/admin/api-keys/" + name).then().statusCode(404);
        as(secret).get("/v1/admin/api-keys/" + name).then().statusCode(403);
        asAdmin().get("/v1/admin/api-keys/bad%20name").then().statusCode(400);
    }

    @Test
    void refusesAKeyFromItsExpiryOnWith401LikeAnUnknownOne() {
        String project = freshProject();
        String expiring = as(support.Api.BOOTSTRAP_KEY).body(Map.of("name", name(), "projects", List.of(project),
                "scopes", List.of("cache:read"), "expiresAt", java.time.Instant.now().plusSeconds(2).toString()))
                .post("/v1/admin/api-keys").then().statusCode(201).extract().path("key");
        as(expiring).get("/v1/projects/" + project + "/cache/k").then().statusCode(404);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                as(expiring).get("/v1/projects/" + project + "/cache/k").then().statusCode(401));
        Response refused = as(expiring).get("/v1/projects/" + project + "/cache/k");
        Response unknown = as("cdk_" + "x".repeat(43)).get("/v1/projects/" + project + "/cache/k");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.asString()).isEqualTo(unknown.asString());
    }

    @Test
    void refusesAnExpiryInThePastOrNotAnInstantNamingTheField() {
        for (String expiry : List.of("2020-01-01T00:00:00Z", "tomorrow", "2030-01-01")) {
            as(support.Api.BOOTSTRAP_KEY).body(Map.of("name", name(), "projects", List.of("shop"), "scopes", List.of("cache:read"),
                    "expiresAt", expiry)).post("/v1/admin/api-keys").then().statusCode(400)
                    .contentType("application/problem+json").body("violations.field", hasItem("expiresAt"));
        }
    }
}
