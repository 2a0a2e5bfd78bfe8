package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.ProgressLimitsProfile;
import support.SseClient;

/**
 * Progress under short times and small limits (see {@link ProgressLimitsProfile}): heartbeats,
 * the gap marker, stalls, expiry, stream limits and ticket expiry; runs once per store.
 */
abstract class ProgressLimitsTests extends ProgressApiTestsBase {

    @Test
    void sendsHeartbeatCommentsAndARetryHintOnAQuietStream() {
        String id = started(3);
        SseClient.Stream stream = follow(id, worker);
        stream.next(WAIT);

        Awaitility.await().atMost(WAIT).until(() -> stream.comments().stream().filter("heartbeat"::equals).count() >= 3);

        assertThat(stream.retry()).hasValue(3000);
        stream.close();
    }

    @Test
    void startsWithASnapshotMarkedAsAGapWhenTheMissedEventsAreNoLongerRetained() {
        String id = started(20);
        SseClient.Stream first = follow(id, worker);
        first.next(WAIT);
        first.close();
        for (int i = 1; i <= 8; i++) {
            step(id, "step " + i);
        }

        SseClient.Stream behind = resume(id, worker, first.lastEventId());
        SseClient.Event snapshot = behind.next(WAIT);
        step(id, "after the gap");
        SseClient.Event next = behind.next(WAIT);

        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.json().get("gap").asBoolean()).isTrue();
        assertThat(snapshot.id()).isEqualTo("9");
        assertThat(snapshot.json().get("currentStep").asLong()).isEqualTo(8);
        assertThat(next.id()).isEqualTo("10");
        behind.close();
    }

    @Test
    void resumesWithoutAGapFromTheEventJustBeforeTheOldestRetained() {
        String id = started(20);
        for (int i = 1; i <= 8; i++) {
            step(id, "step " + i);
        }
        // Events 1 to 9 were recorded; the newest 5 are kept: 5 to 9.
        SseClient.Stream stream = resume(id, worker, "4");
        List<SseClient.Event> events = stream.next(5, WAIT);

        assertThat(ids(events)).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(types(events)).doesNotContain("snapshot");
        stream.close();
    }

    @Test
    void endsTheStreamOfASilentOperationWithAStalledEvent() {
        String id = started(3);
        SseClient.Stream stream = follow(id, worker);
        stream.next(WAIT);
        step(id, "then nothing more");
        stream.next(WAIT);

        SseClient.Event stalled = stream.next(WAIT);

        assertThat(stalled.type()).isEqualTo("stalled");
        assertThat(stream.endsWithin(WAIT)).isTrue();
        as(worker).get(base() + "/" + id).then().statusCode(200).body("status", equalTo("STALLED"));
        step(id, "too late").then().statusCode(409);
    }

    @Test
    void reportsAndRecordsASilentOperationAsStalledOnRead() {
        String id = started(3);

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> "STALLED".equals(as(worker).get(base() + "/" + id).path("status")));

        assertThat(as(worker).get(base() + "?status=STALLED").<List<String>>path("items.id")).contains(id);
        SseClient.Stream stream = follow(id, worker);
        assertThat(stream.next(WAIT).json().get("status").asText()).isEqualTo("STALLED");
    }

    @Test
    void aQueuedTasksOperationNeitherStallsNorExpiresWhileTheTaskWaitsAndFollowsItOnceClaimed() {
        String tasks = support.Api.keyFor(List.of(project), "tasks", "progress:read");
        String queue = "/v1/projects/" + project + "/queues/waiting";
        String progressId = as(tasks).body(Map.of("payload", 1, "progress", Map.of("totalSteps", 2))).post(queue + "/tasks")
                .then().statusCode(201).extract().path("progressId");
        String plain = started(3);

        // The plain operation stalls (2 s) and then expires (4 s): by then the task has waited past both.
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> as(worker).get(base() + "/" + plain).statusCode() == 404);
        as(tasks).get(base() + "/" + progressId).then().statusCode(200).body("status", equalTo("RUNNING"));

        Map<String, Object> claimed = as(tasks).body(Map.of("max", 1)).post(queue + "/claims").then().statusCode(200)
                .extract().path("tasks[0]");
        as(tasks).body(Map.of("leaseToken", claimed.get("leaseToken"), "progress", Map.of("message", "halfway")))
                .post(queue + "/tasks/" + claimed.get("id") + "/heartbeat").then().statusCode(200);
        as(tasks).get(base() + "/" + progressId).then().statusCode(200).body("status", equalTo("RUNNING"))
                .body("currentStep", equalTo(1));
    }

    @Test
    void forgetsAnOperationItsTtlAfterTheLastUpdate() {
        String id = started(3);
        complete(id).then().statusCode(200);

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> as(worker).get(base() + "/" + id).statusCode() == 404);

        assertThat(follow(id, worker).status()).isEqualTo(404);
        assertThat(as(worker).get(base()).<List<String>>path("items.id")).doesNotContain(id);
    }

    @Test
    void limitsTheOpenStreamsOfAPrincipalAndFreesASlotWhenOneCloses() {
        String id = started(3);
        SseClient.Stream one = follow(id, worker);
        SseClient.Stream two = follow(id, worker);
        one.next(WAIT);
        two.next(WAIT);

        SseClient.Stream third = follow(id, worker);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.header("Content-Type")).startsWith(Problem.MEDIA_TYPE);

        one.close();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            SseClient.Stream retry = follow(id, worker);
            retry.close();
            return retry.status() == 200;
        });
        two.close();
    }

    @Test
    void refusesATicketPastItsTime() {
        String id = started(3);
        String ticket = as(worker).post(base() + "/" + id + "/tickets").path("ticket");
        long expired = System.nanoTime() + Duration.ofMillis(1100).toNanos();

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> System.nanoTime() - expired >= 0);

        assertThat(SseClient.open(URI.create(eventsOf(id) + "?ticket=" + ticket), Map.of()).status()).isEqualTo(401);
    }
}
