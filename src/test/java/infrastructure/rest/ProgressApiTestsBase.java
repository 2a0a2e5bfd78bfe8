package infrastructure.rest;

import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import support.SseClient;

/** Fixtures of the progress API tests: a fresh project with a worker key, and sentences to start, step and follow. */
abstract class ProgressApiTestsBase {

    static final Duration WAIT = Duration.ofSeconds(10);

    String project;
    String worker;

    @BeforeEach
    void aProjectWithAWorkerKey() {
        project = freshProject();
        worker = keyFor(List.of(project), "progress");
    }

    // --- fixtures

    String base() {
        return "/v1/projects/" + project + "/progress";
    }

    Response start(String id, long totalSteps) {
        Map<String, Object> body = new HashMap<>();
        if (id != null) {
            body.put("correlationId", id);
        }
        body.put("totalSteps", totalSteps);
        body.put("message", "starting " + id);
        return as(worker).body(body).post(base());
    }

    String started(long totalSteps) {
        return start(null, totalSteps).then().statusCode(201).extract().path("id");
    }

    Response step(String id, String message) {
        return as(worker).body(Map.of("message", message)).post(base() + "/" + id + "/steps");
    }

    Response complete(String id) {
        return as(worker).body(Map.of("message", "done")).post(base() + "/" + id + "/complete");
    }

    URI eventsOf(String id) {
        return URI.create("http://localhost:" + RestAssured.port + base() + "/" + id + "/events");
    }

    SseClient.Stream follow(String id, String key) {
        return SseClient.open(eventsOf(id), Map.of("Authorization", "Bearer " + key));
    }

    SseClient.Stream resume(String id, String key, String lastEventId) {
        return SseClient.open(eventsOf(id), Map.of("Authorization", "Bearer " + key, "Last-Event-ID", lastEventId));
    }

    static List<String> types(List<SseClient.Event> events) {
        return events.stream().map(SseClient.Event::type).toList();
    }

    static List<Long> ids(List<SseClient.Event> events) {
        return events.stream().map(SseClient.Event::sequence).toList();
    }
}
