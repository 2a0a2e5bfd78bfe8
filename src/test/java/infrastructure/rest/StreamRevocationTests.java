package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.SseClient;

/**
 * Open event streams end when their principal loses the right to them: its API key revoked (also
 * the key that asked for a ticket), its session deleted, logged out, revoked with all of its
 * user's, or stripped of the stream's project. Each within a second, and a reconnect is refused.
 * Runs once per store (see the subclasses).
 */
abstract class StreamRevocationTests extends ProgressApiTestsBase {

    /** How soon a revoked principal's stream must end. */
    static final Duration PROMPTLY = Duration.ofSeconds(1);

    /** A key the test can revoke by name. */
    record NamedKey(String name, String secret) {
    }

    /** A session, with what a test needs to end it. */
    record Session(String id, String token, String userId) {
    }

    NamedKey namedKey(List<String> projects, String... scopes) {
        String name = "k-" + UUID.randomUUID();
        String secret = asAdmin().body(Map.of("name", name, "projects", projects, "scopes", List.of(scopes)))
                .post("/v1/admin/api-keys").then().statusCode(201).extract().path("key");
        return new NamedKey(name, secret);
    }

    Session session(String backend, List<String> projects) {
        String user = "u-" + UUID.randomUUID();
        io.restassured.response.Response opened = as(backend).body(Map.of("userId", user, "projectAccess", projects))
                .post("/v1/sessions");
        opened.then().statusCode(201);
        return new Session(opened.path("sessionId"), opened.path("token"), user);
    }

    Session session(List<String> projects) {
        return session(keyFor(projects, "sessions"), projects);
    }

    static SseClient.Stream opened(SseClient.Stream stream) {
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next(WAIT).type()).isEqualTo("snapshot");
        return stream;
    }

    SseClient.Stream byCookie(String id, String token) {
        return SseClient.open(eventsOf(id), Map.of("Cookie", "cd_session=" + token));
    }

    /** The stream goes on: it gets the next step. */
    void stillFollows(SseClient.Stream stream, String id) {
        String message = "still there " + UUID.randomUUID();
        step(id, message).then().statusCode(200);
        assertThat(stream.next(WAIT).json().get("message").asText()).isEqualTo(message);
    }

    @Test
    void endsTheStreamsOfARevokedKeyWithinASecondAndRefusesItsReconnectWith401() {
        String id = started(5);
        NamedKey reader = namedKey(List.of(project), "progress:read");
        SseClient.Stream first = opened(follow(id, reader.secret()));
        SseClient.Stream second = opened(follow(id, reader.secret()));
        SseClient.Stream others = opened(follow(id, worker));

        asAdmin().delete("/v1/admin/api-keys/" + reader.name()).then().statusCode(204);

        assertThat(first.endsWithin(PROMPTLY)).as("the first stream of the revoked key ended").isTrue();
        assertThat(second.endsWithin(PROMPTLY)).as("its second stream ended").isTrue();
        assertThat(resume(id, reader.secret(), first.lastEventId()).status()).isEqualTo(401);
        stillFollows(others, id);
        others.close();
    }

    @Test
    void endsAStreamOpenedWithATicketWhenTheKeyThatAskedForItIsRevokedAndRefusesItsReconnectWith401() {
        String id = started(5);
        NamedKey backend = namedKey(List.of(project), "progress:read");
        String ticket = as(backend.secret()).post(base() + "/" + id + "/tickets").then().statusCode(201).extract().path("ticket");
        URI withTicket = URI.create(eventsOf(id) + "?ticket=" + ticket);
        SseClient.Stream browser = opened(SseClient.open(withTicket, Map.of()));

        asAdmin().delete("/v1/admin/api-keys/" + backend.name()).then().statusCode(204);

        assertThat(browser.endsWithin(PROMPTLY)).isTrue();
        // The ticket lives on, but what it stands on does not: the EventSource's reconnect is refused and it stops.
        assertThat(SseClient.open(withTicket, Map.of("Last-Event-ID", browser.lastEventId())).status()).isEqualTo(401);
    }

    @Test
    void endsTheStreamsOfADeletedSessionByHeaderAndCookieAndRefusesItsReconnectWith401() {
        String id = started(5);
        String backend = keyFor(List.of(project), "sessions");
        Session doomed = session(backend, List.of(project));
        Session bystander = session(backend, List.of(project));
        SseClient.Stream byHeader = opened(follow(id, doomed.token()));
        SseClient.Stream cookie = opened(byCookie(id, doomed.token()));
        SseClient.Stream other = opened(byCookie(id, bystander.token()));

        as(backend).delete("/v1/sessions/" + doomed.id()).then().statusCode(204);

        assertThat(byHeader.endsWithin(PROMPTLY)).isTrue();
        assertThat(cookie.endsWithin(PROMPTLY)).isTrue();
        assertThat(byCookie(id, doomed.token()).status()).isEqualTo(401);
        stillFollows(other, id);
        other.close();
    }

    @Test
    void endsTheStreamsOfASessionThatLogsOut() {
        String id = started(5);
        Session session = session(List.of(project));
        SseClient.Stream stream = opened(byCookie(id, session.token()));

        RestAssured.given().cookie("cd_session", session.token()).delete("/v1/sessions/current").then().statusCode(204);

        assertThat(stream.endsWithin(PROMPTLY)).isTrue();
        assertThat(byCookie(id, session.token()).status()).isEqualTo(401);
    }

    @Test
    void endsTheStreamsOfEverySessionOfAUserWhoseSessionsAreAllRevoked() {
        String id = started(5);
        String backend = keyFor(List.of("*"), "sessions");
        Session first = session(backend, List.of(project));
        Session second = session(backend, List.of(project));
        assertThat(second.userId()).isNotEqualTo(first.userId());
        Session sameUser = sessionOf(backend, first.userId());
        SseClient.Stream one = opened(follow(id, first.token()));
        SseClient.Stream two = opened(byCookie(id, sameUser.token()));
        SseClient.Stream otherUser = opened(follow(id, second.token()));

        as(backend).delete("/v1/users/" + first.userId() + "/sessions").then().statusCode(200);

        assertThat(one.endsWithin(PROMPTLY)).isTrue();
        assertThat(two.endsWithin(PROMPTLY)).isTrue();
        stillFollows(otherUser, id);
        otherUser.close();
    }

    @Test
    void endsTheStreamsOfEverySessionOfAUserRevokedByAKeyLimitedToSomeProjects() {
        String id = started(5);
        String backend = keyFor(List.of(project), "sessions");
        Session session = session(backend, List.of(project));
        SseClient.Stream stream = opened(follow(id, session.token()));

        as(backend).delete("/v1/users/" + session.userId() + "/sessions").then().statusCode(200);

        assertThat(stream.endsWithin(PROMPTLY)).isTrue();
    }

    Session sessionOf(String backend, String user) {
        io.restassured.response.Response opened = as(backend).body(Map.of("userId", user, "projectAccess", List.of(project)))
                .post("/v1/sessions");
        opened.then().statusCode(201);
        return new Session(opened.path("sessionId"), opened.path("token"), user);
    }

    @Test
    void endsTheStreamOfASessionStrippedOfItsProjectAndRefusesItsReconnectWith403ButKeepsItsOtherProjects() {
        String id = started(5);
        String kept = freshProject();
        String keptWorker = keyFor(List.of(kept), "progress");
        String keptId = as(keptWorker).body(Map.of("totalSteps", 5)).post("/v1/projects/" + kept + "/progress")
                .then().statusCode(201).extract().path("id");
        String backend = keyFor(List.of(project, kept), "sessions");
        Session session = session(backend, List.of(project, kept));
        SseClient.Stream stripped = opened(follow(id, session.token()));
        SseClient.Stream stays = opened(SseClient.open(URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + kept
                + "/progress/" + keptId + "/events"), Map.of("Authorization", "Bearer " + session.token())));

        as(backend).delete("/v1/sessions/" + session.id() + "/projects/" + project).then().statusCode(200);

        assertThat(stripped.endsWithin(PROMPTLY)).isTrue();
        assertThat(follow(id, session.token()).status()).isEqualTo(403);
        String message = "kept " + UUID.randomUUID();
        as(keptWorker).body(Map.of("message", message)).post("/v1/projects/" + kept + "/progress/" + keptId + "/steps")
                .then().statusCode(200);
        assertThat(stays.next(WAIT).json().get("message").asText()).isEqualTo(message);
        stays.close();
    }
}
