package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.SseClient;

/** Progress over HTTP and Server-Sent Events, end to end; runs once per store (see the subclasses). */
abstract class ProgressApiTests extends ProgressApiTestsBase {

    // --- writing

    @Test
    void startsAnOperationWithItsStateAndLocation() {
        start("import-1", 120).then().statusCode(201)
                .header("Location", containsString(base() + "/import-1"))
                .body("id", equalTo("import-1"))
                .body("status", equalTo("RUNNING"))
                .body("totalSteps", equalTo(120))
                .body("currentStep", equalTo(0))
                .body("percentage", equalTo(0.0f))
                .body("lastEventId", equalTo(1));
    }

    @Test
    void generatesAnIdWhenTheClientGivesNone() {
        String id = started(3);

        assertThat(id).startsWith("op_").hasSizeGreaterThan(20);
        as(worker).get(base() + "/" + id).then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void refusesASecondOperationUnderAnIdInUse() {
        start("dup", 3).then().statusCode(201);

        start("dup", 5).then().statusCode(409).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:cache-domain:problem:conflict"));
        as(worker).get(base() + "/dup").then().body("totalSteps", equalTo(3));
    }

    @Test
    void advancesWithStepsAndCapsTheStepAtTheTotal() {
        String id = started(2);

        step(id, "one").then().statusCode(200).body("currentStep", equalTo(1)).body("percentage", equalTo(50.0f));
        as(worker).body(Map.of("message", "many", "increment", 5)).post(base() + "/" + id + "/steps")
                .then().statusCode(200).body("currentStep", equalTo(2)).body("percentage", equalTo(100.0f))
                .body("status", equalTo("RUNNING")).body("lastEventId", equalTo(3));
    }

    @Test
    void completesAndFailsAndRefusesEveryWriteAfterwardsWith409() {
        String done = started(4);
        String broken = started(4);

        complete(done).then().statusCode(200).body("status", equalTo("COMPLETED")).body("currentStep", equalTo(4));
        as(worker).body(Map.of("error", "disk full")).post(base() + "/" + broken + "/fail")
                .then().statusCode(200).body("status", equalTo("FAILED")).body("message", equalTo("disk full"));

        for (String id : List.of(done, broken)) {
            step(id, "late").then().statusCode(409).contentType(Problem.MEDIA_TYPE);
            complete(id).then().statusCode(409);
            as(worker).body(Map.of("error", "late")).post(base() + "/" + id + "/fail").then().statusCode(409);
        }
    }

    @Test
    void answers404ForAnOperationNeverStarted() {
        for (Response r : List.of(step("nope", "x"), complete("nope"), as(worker).get(base() + "/nope"),
                as(worker).post(base() + "/nope/tickets"))) {
            r.then().statusCode(404).contentType(Problem.MEDIA_TYPE).body("type", equalTo("urn:cache-domain:problem:not-found"));
        }
        SseClient.Stream stream = follow("nope", worker);
        assertThat(stream.status()).isEqualTo(404);
        assertThat(stream.header("Content-Type")).startsWith(Problem.MEDIA_TYPE);
    }

    @Test
    void rejectsBadInputWithAProblemNamingTheField() {
        for (Object total : List.of(0, -1, 1_000_001, "many", 1e30)) {
            as(worker).body(Map.of("totalSteps", total)).post(base())
                    .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("violations.field", hasItem("totalSteps"));
        }
        as(worker).body(Map.of("message", "no total")).post(base()).then().statusCode(400).body("violations.field", hasItem("totalSteps"));
        as(worker).body("{\"totalSteps\": ").post(base()).then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        for (String id : List.of("has space", "slash/inside", "ü", "x".repeat(129), "..")) {
            as(worker).body(Map.of("correlationId", id, "totalSteps", 3)).post(base())
                    .then().statusCode(400).body("violations.field", hasItem("correlationId"));
        }
        String id = started(3);
        as(worker).body(Map.of("message", "zero", "increment", 0)).post(base() + "/" + id + "/steps")
                .then().statusCode(400).body("violations.field", hasItem("increment"));
        as(worker).body(Map.of()).post(base() + "/" + id + "/steps").then().statusCode(400).body("violations.field", hasItem("message"));
        as(worker).body(Map.of("message", "m".repeat(1025))).post(base() + "/" + id + "/steps")
                .then().statusCode(400).body("violations.field", hasItem("message"));
        as(worker).body(Map.of("error", " ")).post(base() + "/" + id + "/fail").then().statusCode(400)
                .body("violations.field", hasItem("error"));
        as(worker).get(base() + "?status=DONE").then().statusCode(400).body("violations.field", hasItem("status"));
        as(worker).get(base() + "?limit=0").then().statusCode(400).body("violations.field", hasItem("limit"));
        as(worker).get(base() + "/" + id).then().body("currentStep", equalTo(0)).body("lastEventId", equalTo(1));
    }

    @Test
    void keepsUnicodeAndNewlinesInMessagesThroughJsonAndTheStream() {
        String id = started(3);
        String message = "Zürich 東京 🚀\nline two\r\nline three";
        SseClient.Stream stream = follow(id, worker);
        stream.next(WAIT);

        step(id, message).then().statusCode(200).body("message", equalTo(message));

        SseClient.Event event = stream.next(WAIT);
        assertThat(event.json().get("message").asText()).isEqualTo(message);
        stream.close();
    }

    // --- listing

    @Test
    void listsTheProjectsOperationsByStatusPageByPage() {
        List<String> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(start("op-" + i, 3).then().statusCode(201).extract().<String>path("id"));
        }
        complete("op-1");
        complete("op-3");
        String other = freshProject();
        as(keyFor(List.of(other), "progress")).body(Map.of("totalSteps", 1)).post("/v1/projects/" + other + "/progress");

        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            Response page = as(worker).queryParam("limit", 2).queryParam("cursor", cursor == null ? "" : cursor).get(base());
            page.then().statusCode(200);
            all.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
        } while (cursor != null);

        assertThat(all).containsExactly("op-0", "op-1", "op-2", "op-3", "op-4");
        assertThat(as(worker).get(base() + "?status=COMPLETED").<List<String>>path("items.id")).containsExactly("op-1", "op-3");
        assertThat(as(worker).get(base() + "?status=running").<List<String>>path("items.id")).containsExactly("op-0", "op-2", "op-4");
    }

    // --- the event stream

    @Test
    void streamsASnapshotThenProgressThenTheTerminalEventAndEnds() {
        String id = started(3);
        SseClient.Stream stream = follow(id, worker);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
        assertThat(stream.header("Cache-Control")).isEqualTo("no-store");
        assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");

        SseClient.Event snapshot = stream.next(WAIT);
        step(id, "one");
        step(id, "two");
        complete(id);
        List<SseClient.Event> events = stream.next(3, WAIT);

        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.id()).isEqualTo("1");
        assertThat(snapshot.json().get("status").asText()).isEqualTo("RUNNING");
        assertThat(snapshot.json().get("gap").asBoolean()).isFalse();
        assertThat(types(events)).containsExactly("progress", "progress", "completed");
        assertThat(ids(events)).containsExactly(2L, 3L, 4L);
        assertThat(events.get(1).json().get("message").asText()).isEqualTo("two");
        assertThat(events.get(2).json().get("percentage").asDouble()).isEqualTo(100.0);
        assertThat(stream.endsWithin(WAIT)).as("the stream ends after the terminal event").isTrue();
        assertThat(stream.retry()).as("a retry hint").isPresent();
    }

    @Test
    void resumesAfterLastEventIdWithExactlyTheMissedEvents() {
        String id = started(10);
        SseClient.Stream first = follow(id, worker);
        first.next(WAIT);
        step(id, "seen");
        SseClient.Event seen = first.next(WAIT);
        first.close();

        for (int i = 1; i <= 4; i++) {
            step(id, "missed " + i);
        }
        SseClient.Stream again = resume(id, worker, first.lastEventId());
        step(id, "live");
        List<SseClient.Event> events = again.next(5, WAIT);

        assertThat(seen.id()).isEqualTo("2");
        assertThat(ids(events)).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(events.stream().map(e -> e.json().get("message").asText()))
                .containsExactly("missed 1", "missed 2", "missed 3", "missed 4", "live");
        assertThat(types(events)).doesNotContain("snapshot");
        again.close();
    }

    @Test
    void answers204ToAReconnectAfterTheTerminalEvent() {
        String id = started(1);
        SseClient.Stream stream = follow(id, worker);
        stream.next(WAIT);
        complete(id);
        SseClient.Event terminal = stream.next(WAIT);
        assertThat(stream.endsWithin(WAIT)).isTrue();

        SseClient.Stream reconnect = resume(id, worker, stream.lastEventId());

        assertThat(terminal.type()).isEqualTo("completed");
        assertThat(reconnect.status()).isEqualTo(204);
    }

    @Test
    void givesAFirstConnectionToAnEndedOperationItsFinalSnapshotAndEnds() {
        String id = started(2);
        as(worker).body(Map.of("error", "boom")).post(base() + "/" + id + "/fail").then().statusCode(200);

        SseClient.Stream stream = follow(id, worker);
        SseClient.Event snapshot = stream.next(WAIT);

        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.json().get("status").asText()).isEqualTo("FAILED");
        assertThat(stream.endsWithin(WAIT)).isTrue();
        assertThat(resume(id, worker, snapshot.id()).status()).isEqualTo(204);
    }

    @Test
    void rejectsAMalformedLastEventIdWith400() {
        String id = started(1);
        for (String bad : List.of("abc", "-1", "1.5", "9".repeat(30), "0x10")) {
            SseClient.Stream stream = resume(id, worker, bad);
            assertThat(stream.status()).as(bad).isEqualTo(400);
            assertThat(stream.header("Content-Type")).startsWith(Problem.MEDIA_TYPE);
        }
    }

    @Test
    void marksASnapshotAsAGapWhenTheLastEventIdBelongsToNoEventItHas() {
        String id = started(3);

        SseClient.Stream stream = resume(id, worker, "99");
        SseClient.Event snapshot = stream.next(WAIT);

        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.json().get("gap").asBoolean()).isTrue();
        assertThat(snapshot.id()).isEqualTo("1");
        stream.close();
    }

    // --- who may read

    @Test
    void letsAReadOnlyKeyReadAndFollowButNotWrite() {
        String id = started(3);
        String reader = keyFor(List.of(project), "progress:read");

        as(reader).get(base() + "/" + id).then().statusCode(200);
        as(reader).get(base()).then().statusCode(200);
        SseClient.Stream stream = follow(id, reader);
        assertThat(stream.next(WAIT).type()).isEqualTo("snapshot");
        stream.close();
        as(reader).body(Map.of("message", "x")).post(base() + "/" + id + "/steps").then().statusCode(403);
        as(reader).body(Map.of("totalSteps", 3)).post(base()).then().statusCode(403);
    }

    @Test
    void refusesEveryEndpointToAKeyOfAnotherProjectAlike() {
        String id = started(3);
        String stranger = keyFor(List.of(freshProject()), "progress");

        for (String path : List.of(base() + "/" + id, base() + "/nope", base())) {
            as(stranger).get(path).then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        }
        as(stranger).body(Map.of("message", "x")).post(base() + "/" + id + "/steps").then().statusCode(403);
        as(stranger).post(base() + "/" + id + "/tickets").then().statusCode(403);
        assertThat(follow(id, stranger).status()).isEqualTo(403);
        assertThat(follow("nope", stranger).status()).isEqualTo(403);
        as(worker).get(base() + "/" + id).then().body("lastEventId", equalTo(1));
    }

    /** A session of a user with access to {@code projects}; answers its token. */
    String sessionWith(List<String> projects) {
        String backend = keyFor(projects.isEmpty() ? List.of(project) : projects, "sessions");
        return as(backend).body(Map.of("userId", "u-" + project, "projectAccess", projects)).post("/v1/sessions")
                .then().statusCode(201).extract().path("token");
    }

    @Test
    void letsASessionReadAndFollowItsProjectsProgressByHeaderOrCookie() {
        String id = started(3);
        String token = sessionWith(List.of(project));

        as(token).get(base() + "/" + id).then().statusCode(200).body("id", equalTo(id));
        RestAssured.given().cookie("cd_session", token).get(base()).then().statusCode(200).body("items.id", hasItem(id));
        SseClient.Stream byCookie = SseClient.open(eventsOf(id), Map.of("Cookie", "cd_session=" + token));
        assertThat(byCookie.next(WAIT).type()).isEqualTo("snapshot");
        step(id, "seen by the browser");
        assertThat(byCookie.next(WAIT).json().get("message").asText()).isEqualTo("seen by the browser");
        byCookie.close();
    }

    @Test
    void refusesASessionAnotherProjectsProgressAndEveryWrite() {
        String theirs = started(3);
        String mine = freshProject();
        String token = sessionWith(List.of(mine));

        as(token).get(base() + "/" + theirs).then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        as(token).get(base() + "/unknown").then().statusCode(403);
        assertThat(SseClient.open(eventsOf(theirs), Map.of("Cookie", "cd_session=" + token)).status()).isEqualTo(403);
        assertThat(follow(theirs, token).status()).isEqualTo(403);
        as(token).body(Map.of("message", "x")).post(base() + "/" + theirs + "/steps").then().statusCode(403);
        as(token).post(base() + "/" + theirs + "/tickets").then().statusCode(403);
        as(token).body(Map.of("totalSteps", 2)).post("/v1/projects/" + mine + "/progress").then().statusCode(403);
    }

    @Test
    void refusesARevokedSessionWith401() {
        String id = started(3);
        String token = sessionWith(List.of(project));
        RestAssured.given().header("Authorization", "Bearer " + token).delete("/v1/sessions/current").then().statusCode(204);

        as(token).get(base() + "/" + id).then().statusCode(401);
        assertThat(follow(id, token).status()).isEqualTo(401);
    }

    @Test
    void reopensTheSameStreamWithATicketAndResumesRightAfterTheLastEventId() {
        String id = started(5);
        Response issued = as(worker).post(base() + "/" + id + "/tickets");
        issued.then().statusCode(201).header("Cache-Control", "no-store").body("ticket", startsWith("cdt_"))
                .body("eventsUrl", equalTo(base() + "/" + id + "/events"));
        URI withTicket = URI.create(eventsOf(id) + "?ticket=" + issued.path("ticket"));
        SseClient.Stream first = SseClient.open(withTicket, Map.of());
        assertThat(first.status()).isEqualTo(200);
        first.next(WAIT);
        step(id, "seen");
        first.next(WAIT);
        first.close();
        step(id, "missed");

        // What an EventSource does after a dropped connection: the same URL, with Last-Event-ID.
        SseClient.Stream again = SseClient.open(withTicket, Map.of("Last-Event-ID", first.lastEventId()));
        step(id, "live");
        List<SseClient.Event> events = again.next(2, WAIT);

        assertThat(again.status()).isEqualTo(200);
        assertThat(ids(events)).containsExactly(3L, 4L);
        assertThat(events.stream().map(e -> e.json().get("message").asText())).containsExactly("missed", "live");
        again.close();
    }

    @Test
    void answers204ToATicketsReconnectAfterTheTerminalEvent() {
        String id = started(1);
        URI withTicket = URI.create(eventsOf(id) + "?ticket=" + as(worker).post(base() + "/" + id + "/tickets").path("ticket"));
        SseClient.Stream stream = SseClient.open(withTicket, Map.of());
        stream.next(WAIT);
        complete(id);
        assertThat(stream.next(WAIT).type()).isEqualTo("completed");
        assertThat(stream.endsWithin(WAIT)).isTrue();

        SseClient.Stream reconnect = SseClient.open(withTicket, Map.of("Last-Event-ID", stream.lastEventId()));

        assertThat(reconnect.status()).isEqualTo(204);
    }

    @Test
    void keepsOneOpenStreamPerTicketTheLatestOpeningEndingTheEarlierOne() {
        String id = started(5);
        URI withTicket = URI.create(eventsOf(id) + "?ticket=" + as(worker).post(base() + "/" + id + "/tickets").path("ticket"));
        SseClient.Stream first = SseClient.open(withTicket, Map.of());
        first.next(WAIT);

        SseClient.Stream second = SseClient.open(withTicket, Map.of());
        second.next(WAIT);
        step(id, "after the second opening");

        assertThat(first.endsWithin(WAIT)).as("the earlier opening's stream ends").isTrue();
        assertThat(second.next(WAIT).json().get("message").asText()).isEqualTo("after the second opening");
        second.close();
    }

    @Test
    void refusesATicketForAnotherOperationOrAnythingButTheEventStream() {
        String id = started(3);
        String other = started(3);
        String ticket = as(worker).post(base() + "/" + id + "/tickets").path("ticket");

        assertThat(SseClient.open(URI.create(eventsOf(other) + "?ticket=" + ticket), Map.of()).status()).isEqualTo(401);
        RestAssured.given().queryParam("ticket", ticket).get(base() + "/" + id).then().statusCode(401);
        RestAssured.given().queryParam("ticket", ticket).get(base()).then().statusCode(401);
        RestAssured.given().queryParam("ticket", ticket).post(base() + "/" + id + "/tickets").then().statusCode(401);
        RestAssured.given().queryParam("ticket", ticket).get("/v1/projects/" + project + "/cache/k").then().statusCode(401);
        assertThat(SseClient.open(URI.create(eventsOf(id) + "?ticket=cdt_forged"), Map.of()).status()).isEqualTo(401);
        // A wrong use spends nothing: the ticket still opens its own stream.
        SseClient.Stream own = SseClient.open(URI.create(eventsOf(id) + "?ticket=" + ticket), Map.of());
        assertThat(own.status()).isEqualTo(200);
        own.close();
    }

    @Test
    void refusesATicketInAnotherProjectsPathForTheSameOperationId() {
        String id = started(3);
        String ticket = as(worker).post(base() + "/" + id + "/tickets").path("ticket");
        String elsewhere = freshProject();
        as(keyFor(List.of(elsewhere), "progress")).body(Map.of("correlationId", id, "totalSteps", 3))
                .post("/v1/projects/" + elsewhere + "/progress").then().statusCode(201);

        URI there = URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + elsewhere + "/progress/" + id
                + "/events?ticket=" + ticket);

        assertThat(SseClient.open(there, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void tellsTheHolderOfAnUnknownTicketToAskForANewOne() {
        String id = started(3);

        RestAssured.given().queryParam("ticket", "cdt_" + "A".repeat(43)).get(base() + "/" + id + "/events")
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:unauthenticated"))
                .body("detail", equalTo("the ticket is unknown, expired or for another stream; ask for a new one"));
    }

    @Test
    void resumesAfterTheLastEventIdQueryParameterAsAfterTheHeader() {
        String id = started(5);
        step(id, "one");
        step(id, "two");
        step(id, "three");

        SseClient.Stream stream = SseClient.open(URI.create(eventsOf(id) + "?lastEventId=3"),
                Map.of("Authorization", "Bearer " + worker));
        List<SseClient.Event> events = stream.next(1, WAIT);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(ids(events)).containsExactly(4L);
        assertThat(types(events)).doesNotContain("snapshot");
        stream.close();
    }

    @Test
    void letsTheLastEventIdHeaderWinOverTheQueryParameter() {
        String id = started(5);
        step(id, "one");
        step(id, "two");
        step(id, "three");

        SseClient.Stream stream = SseClient.open(URI.create(eventsOf(id) + "?lastEventId=1"),
                Map.of("Authorization", "Bearer " + worker, "Last-Event-ID", "3"));
        SseClient.Stream withTicket = SseClient.open(URI.create(eventsOf(id) + "?lastEventId=1&ticket="
                + as(worker).post(base() + "/" + id + "/tickets").path("ticket")), Map.of("Last-Event-ID", "2"));

        assertThat(ids(stream.next(1, WAIT))).containsExactly(4L);
        assertThat(ids(withTicket.next(2, WAIT))).containsExactly(3L, 4L);
        stream.close();
        withTicket.close();
    }

    @Test
    void rejectsAMalformedLastEventIdQueryParameterWith400NamingIt() {
        String id = started(1);

        as(worker).queryParam("lastEventId", "abc").get(base() + "/" + id + "/events")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("violations[0].field", equalTo("lastEventId"));
    }

    @Test
    void answers204ToAReconnectThatNamesTheTerminalEventInTheQueryParameter() {
        String id = started(1);
        complete(id);
        long last = as(worker).get(base() + "/" + id).then().extract().<Integer>path("lastEventId");

        assertThat(SseClient.open(URI.create(eventsOf(id) + "?lastEventId=" + last), Map.of("Authorization", "Bearer " + worker))
                .status()).isEqualTo(204);
    }

    @Test
    void neverAcceptsAnApiKeyInTheUrl() {
        String id = started(3);

        RestAssured.given().queryParam("ticket", worker).get(base() + "/" + id + "/events").then().statusCode(401);
        RestAssured.given().queryParam("access_token", worker).get(base() + "/" + id).then().statusCode(401);
    }
}
