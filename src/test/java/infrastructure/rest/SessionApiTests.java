package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import domain.Secrets;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.LogCapture;

/** User sessions over HTTP, end to end; runs once per store (see the subclasses). */
abstract class SessionApiTests {

    static LogCapture log;
    /** Every token this class saw, and the digest of each verifier: none may ever be logged. */
    static final List<String> secrets = new CopyOnWriteArrayList<>();

    String project;
    String backend;
    String user;

    @BeforeAll
    static void captureTheLog() {
        log = LogCapture.start();
    }

    @AfterAll
    static void noTokenNorDigestWasEverLogged() {
        try {
            List<String> lines = log.lines();
            assertThat(lines).as("audit lines are captured, so the check below can fail")
                    .anyMatch(l -> l.contains("session created session="))
                    .anyMatch(l -> l.contains("session rotated session="))
                    .anyMatch(l -> l.contains("session revoked-all user="));
            for (String secret : secrets) {
                assertThat(lines).noneMatch(l -> l.contains(secret));
            }
        } finally {
            log.close();
        }
    }

    @BeforeEach
    void aBackendOfOneProject() {
        project = freshProject();
        backend = keyFor(List.of(project), "sessions");
        user = "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Response open(String key, Map<String, Object> body) {
        Response response = as(key).body(body).post("/v1/sessions");
        if (response.statusCode() == 201) {
            remember(response.path("token"));
        }
        return response;
    }

    Response open() {
        return open(backend, Map.of("userId", user, "userData", Map.of("name", "Ada", "city", "Zürich"),
                "projectAccess", List.of(project)));
    }

    static void remember(String token) {
        secrets.add(token);
        secrets.add(Secrets.sha256Hex(token.substring(token.indexOf('.') + 1)));
    }

    Response validate(String token) {
        return as(backend).body(Map.of("token", token)).post("/v1/sessions/validate");
    }

    static Response current(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).get("/v1/sessions/current");
    }

    // --- opening and reading

    @Test
    void opensASessionAndShowsItsTokenOnlyOnce() {
        Response opened = open();

        opened.then().statusCode(201)
                .header("Location", containsString("/v1/sessions/" + opened.path("sessionId")))
                .body("userId", equalTo(user))
                .body("projectAccess", equalTo(List.of(project)));
        String token = opened.path("token");
        assertThat(token).startsWith("cds_" + opened.path("sessionId") + ".");
        assertThat(opened.header("Set-Cookie")).contains("cd_session=" + token).contains("HttpOnly").contains("Secure")
                .contains("SameSite=Strict");
        assertThat(Instant.parse(opened.path("absoluteExpiresAt")))
                .isEqualTo(Instant.parse(opened.path("createdAt")).plus(Duration.ofHours(24)));
        assertThat(Instant.parse(opened.path("idleExpiresAt")))
                .isEqualTo(Instant.parse(opened.path("createdAt")).plusSeconds(7200));

        Response read = as(backend).get("/v1/sessions/" + opened.path("sessionId"));
        read.then().statusCode(200).body("userData.city", equalTo("Zürich"));
        assertThat(read.asString()).doesNotContain(token).doesNotContain("token");
    }

    @Test
    void validatesATokenCountingItAsActivity() {
        Response opened = open();
        String token = opened.path("token");

        Response valid = validate(token);

        valid.then().statusCode(200).body("sessionId", equalTo(opened.path("sessionId")));
        assertThat(Instant.parse(valid.path("lastActivityAt"))).isAfterOrEqualTo(Instant.parse(opened.path("createdAt")));
        assertThat(Instant.parse(valid.path("idleExpiresAt"))).isAfterOrEqualTo(Instant.parse(opened.path("idleExpiresAt")));
    }

    @Test
    void rejectsUnknownAndMalformedTokensAlike() {
        String token = open().path("token");
        String forged = token.substring(0, token.length() - 4) + "AAAA";

        List<Response> rejected = List.of(validate(forged), validate("cds_nonsense"), validate(""),
                validate("x".repeat(5000)), as(backend).body("{}").post("/v1/sessions/validate"));

        assertThat(rejected).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.contentType()).isEqualTo("application/problem+json");
            assertThat(r.<String>path("detail")).isEqualTo(rejected.get(0).path("detail"));
        });
    }

    @Test
    void servesTheCurrentSessionByBearerOrCookie() {
        String token = open().path("token");

        current(token).then().statusCode(200).body("userId", equalTo(user));
        RestAssured.given().cookie("cd_session", token).get("/v1/sessions/current").then().statusCode(200)
                .body("userId", equalTo(user));
        RestAssured.given().get("/v1/sessions/current").then().statusCode(401);
        as(backend).get("/v1/sessions/current").then().statusCode(403);
    }

    @Test
    void tellsACallerOfTheSessionPathThatItTakesASessionToken() {
        String token = open().path("token");
        RestAssured.given().header("Authorization", "Bearer " + token).delete("/v1/sessions/current").then().statusCode(204);

        for (Response refused : List.of(RestAssured.given().get("/v1/sessions/current"),
                RestAssured.given().header("Authorization", "Bearer " + token).get("/v1/sessions/current"))) {
            refused.then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                    .body("type", equalTo("urn:cache-domain:problem:unauthenticated"))
                    .body("detail", containsString("session token"))
                    .body("detail", not(containsString("API key")));
        }
    }

    @Test
    void refusesASessionTokenEverywhereButItsOwnPaths() {
        String token = open().path("token");

        as(token).get("/v1/projects/" + project + "/cache/k").then().statusCode(403)
                .contentType("application/problem+json");
        as(token).body(Map.of("token", token)).post("/v1/sessions/validate").then().statusCode(403);
        RestAssured.given().cookie("cd_session", token).get("/v1/admin/api-keys").then().statusCode(403);
        as(token).get("/v1/users/" + user + "/sessions").then().statusCode(403);
    }

    // --- ending sessions

    @Test
    void setsTheSessionCookieWithoutTheObsoleteVersionAttribute() {
        Response opened = open();
        String rotated = as(backend).post("/v1/sessions/" + opened.path("sessionId") + "/rotate").then().statusCode(200)
                .extract().header("Set-Cookie");

        for (String cookie : List.of(opened.header("Set-Cookie"), rotated)) {
            assertThat(cookie).startsWith("cd_session=cds_").containsIgnoringCase("Max-Age=").contains("Path=/v1")
                    .contains("HttpOnly").contains("Secure").contains("SameSite=Strict");
            assertThat(cookie.toLowerCase(java.util.Locale.ROOT)).doesNotContain("version");
        }
    }

    @Test
    void aLogoutWithADeadOrUnknownCookieStillAnswers204AndClearsTheCookie() {
        String token = open().path("token");
        RestAssured.given().cookie("cd_session", token).delete("/v1/sessions/current").then().statusCode(204);

        for (String dead : List.of(token, "cds_" + "0".repeat(16) + "unknown.secret", "not-a-token")) {
            Response logout = RestAssured.given().cookie("cd_session", dead).delete("/v1/sessions/current");
            logout.then().statusCode(204);
            assertThat(logout.header("Set-Cookie")).as(dead).startsWith("cd_session=;").contains("Max-Age=0").contains("Path=/v1")
                    .doesNotContainIgnoringCase("version");
        }
        Response withHeader = RestAssured.given().header("Authorization", "Bearer " + token).delete("/v1/sessions/current");
        withHeader.then().statusCode(204);
        assertThat(withHeader.header("Set-Cookie")).contains("Max-Age=0");
        RestAssured.given().delete("/v1/sessions/current").then().statusCode(401);
    }

    @Test
    void logsOutAndKillsTheTokenAtOnce() {
        String token = open().path("token");

        Response logout = RestAssured.given().cookie("cd_session", token).delete("/v1/sessions/current");

        logout.then().statusCode(204);
        assertThat(logout.header("Set-Cookie")).contains("cd_session=").contains("Max-Age=0");
        current(token).then().statusCode(401);
        validate(token).then().statusCode(401);
    }

    @Test
    void revokesASessionAndKillsItsTokenAtOnce() {
        Response opened = open();
        String token = opened.path("token");

        as(backend).delete("/v1/sessions/" + opened.path("sessionId")).then().statusCode(204);

        validate(token).then().statusCode(401);
        current(token).then().statusCode(401);
        as(backend).get("/v1/sessions/" + opened.path("sessionId")).then().statusCode(404);
        // DELETE is idempotent: the session is absent, as asked.
        as(backend).delete("/v1/sessions/" + opened.path("sessionId")).then().statusCode(204);
        as(backend).delete("/v1/sessions/" + opened.path("sessionId") + "/projects/" + project).then().statusCode(204);
    }

    @Test
    void rotatesTheTokenAndKillsTheOldOneAtOnce() {
        Response opened = open();
        String old = opened.path("token");

        Response rotated = as(backend).post("/v1/sessions/" + opened.path("sessionId") + "/rotate");
        rotated.then().statusCode(200).body("sessionId", equalTo(opened.path("sessionId")));
        String fresh = rotated.path("token");
        remember(fresh);

        assertThat(fresh).isNotEqualTo(old);
        validate(old).then().statusCode(401);
        current(old).then().statusCode(401);
        validate(fresh).then().statusCode(200);
    }

    @Test
    void listsAndRevokesAllSessionsOfAUser() {
        List<String> tokens = List.of(open().path("token"), open().path("token"), open().path("token"));
        String other = open(backend, Map.of("userId", user + "-other", "projectAccess", List.of(project))).path("token");

        as(backend).get("/v1/users/" + user + "/sessions").then().statusCode(200).body("items.size()", equalTo(3));
        as(backend).delete("/v1/users/" + user + "/sessions").then().statusCode(200).body("revoked", equalTo(3));

        tokens.forEach(t -> validate(t).then().statusCode(401));
        as(backend).get("/v1/users/" + user + "/sessions").then().body("items.size()", equalTo(0));
        validate(other).then().statusCode(200);
    }

    // --- project access

    @Test
    void grantsAndRevokesAProjectAtOnce() {
        String second = freshProject();
        String both = keyFor(List.of(project, second), "sessions");
        Response opened = open(both, Map.of("userId", user, "projectAccess", List.of(project)));
        String id = opened.path("sessionId");

        as(both).put("/v1/sessions/" + id + "/projects/" + second).then().statusCode(200)
                .body("projectAccess", hasItem(second));
        current(opened.path("token")).then().body("projectAccess", hasItem(second));

        as(both).delete("/v1/sessions/" + id + "/projects/" + second).then().statusCode(200)
                .body("projectAccess", not(hasItem(second)));
        current(opened.path("token")).then().body("projectAccess", not(hasItem(second)));
    }

    @Test
    void keepsAKeyOfOneProjectAwayFromSessionsReachingAnother() {
        String b = freshProject();
        open(backend, Map.of("userId", user, "projectAccess", List.of(b))).then().statusCode(403);
        Response reachesB = open(support.Api.BOOTSTRAP_KEY, Map.of("userId", user, "projectAccess", List.of(project, b)));
        String id = reachesB.path("sessionId");
        String mine = open().path("sessionId");

        as(backend).get("/v1/sessions/" + id).then().statusCode(404);
        as(backend).delete("/v1/sessions/" + id).then().statusCode(204);
        as(backend).post("/v1/sessions/" + id + "/rotate").then().statusCode(404);
        as(backend).delete("/v1/sessions/" + id + "/projects/" + project).then().statusCode(204);
        as(backend).put("/v1/sessions/" + mine + "/projects/" + b).then().statusCode(403);
        validate(reachesB.path("token")).then().statusCode(401);
        as(backend).get("/v1/users/" + user + "/sessions").then().body("items.sessionId", equalTo(List.of(mine)));
        as(backend).delete("/v1/users/" + user + "/sessions").then().body("revoked", equalTo(1));

        // The deletes above answered as for an absent session, and changed nothing.
        asAdmin().body(Map.of("token", reachesB.path("token"))).post("/v1/sessions/validate").then().statusCode(200)
                .body("projectAccess", hasItem(project));
    }

    @Test
    void refusesSessionsToAKeyWithoutTheSessionsScope() {
        String cacheOnly = keyFor(List.of(project), "cache:read");

        open(cacheOnly, Map.of("userId", user, "projectAccess", List.of(project))).then().statusCode(403);
        as(cacheOnly).get("/v1/users/" + user + "/sessions").then().statusCode(403);
    }

    // --- expiry

    @Test
    void endsASessionIdleForLongerThanItsIdleTimeout() {
        String token = open(backend, Map.of("userId", user, "projectAccess", List.of(project), "idleTimeoutSeconds", 1))
                .path("token");
        validate(token).then().statusCode(200);

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1500))
                .until(() -> validate(token).statusCode() == 401);
    }

    @Test
    void endsASessionAtItsAbsoluteTimeoutWhateverTheActivity() {
        Response opened = open(backend, Map.of("userId", user, "projectAccess", List.of(project),
                "idleTimeoutSeconds", 2, "absoluteTimeoutSeconds", 3));
        String token = opened.path("token");
        Instant absolute = Instant.parse(opened.path("absoluteExpiresAt"));

        Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Response r = validate(token);
            if (r.statusCode() == 200) {
                assertThat(Instant.parse(r.path("idleExpiresAt"))).isBeforeOrEqualTo(absolute);
                return false;
            }
            return r.statusCode() == 401;
        });
        assertThat(Instant.now()).isAfterOrEqualTo(absolute.minusMillis(50));
    }

    // --- bad input

    @Test
    void rejectsEachBadSessionRequestWithItsProblem() {
        List<Map<String, Object>> bodies = List.of(
                Map.of("projectAccess", List.of(project)),
                Map.of("userId", "", "projectAccess", List.of(project)),
                Map.of("userId", "u".repeat(129), "projectAccess", List.of(project)),
                Map.of("userId", "has space", "projectAccess", List.of(project)),
                Map.of("userId", user, "projectAccess", List.of("Not_A_Project!")),
                Map.of("userId", user, "projectAccess", List.of(project), "idleTimeoutSeconds", 0),
                Map.of("userId", user, "projectAccess", List.of(project), "idleTimeoutSeconds", -1),
                Map.of("userId", user, "projectAccess", List.of(project), "idleTimeoutSeconds", 99_999_999),
                Map.of("userId", user, "projectAccess", List.of(project), "absoluteTimeoutSeconds", 0),
                Map.of("userId", user, "projectAccess", List.of(project), "userData", "x".repeat(20_000)));
        for (Map<String, Object> body : bodies) {
            as(backend).body(body).post("/v1/sessions").then().statusCode(400)
                    .contentType("application/problem+json").body("violations.size()", org.hamcrest.Matchers.greaterThan(0));
        }
        as(backend).body("{\"userId\": ").post("/v1/sessions").then().statusCode(400).contentType("application/problem+json");
        as(backend).body("{\"userId\": 5, \"projectAccess\": \"shop\"}").post("/v1/sessions").then().statusCode(400);
        as(backend).get("/v1/sessions/not-a-session-id").then().statusCode(400).body("violations[0].field", equalTo("sessionId"));
        as(backend).get("/v1/sessions/0123456789abcdefAAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404);
        as(backend).get("/v1/users/" + "u".repeat(129) + "/sessions").then().statusCode(400);
        as(backend).body(Map.of("userId", user, "projectAccess", List.of(project), "idleTimeoutSeconds", 0))
                .post("/v1/sessions").then().body("violations[0].field", equalTo("idleTimeoutSeconds"));
    }
}
