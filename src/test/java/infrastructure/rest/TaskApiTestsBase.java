package infrastructure.rest;

import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import support.Http;

/** Fixtures of the task API tests: a fresh project and queue with a key of scope tasks, and sentences to enqueue and claim. */
abstract class TaskApiTestsBase {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();

    String project;
    String queue;
    String worker;

    @BeforeEach
    void aProjectWithAQueueAndAWorkerKey() {
        project = freshProject();
        queue = "q-" + UUID.randomUUID().toString().substring(0, 8);
        worker = keyFor(List.of(project), "tasks");
    }

    String base() {
        return base(project);
    }

    String base(String ofProject) {
        return "/v1/projects/" + ofProject + "/queues/" + queue;
    }

    String taskPath(String id) {
        return base() + "/tasks/" + id;
    }

    Response enqueue(Map<String, Object> body) {
        return as(worker).body(body).post(base() + "/tasks");
    }

    /** Enqueues {@code payload} now at the default priority; answers the task's id. */
    String enqueued(Object payload) {
        return enqueue(Map.of("payload", payload)).then().statusCode(201).extract().path("id");
    }

    String enqueuedWith(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("payload", Map.of("n", 1));
        return enqueue(body).then().statusCode(201).extract().path("id");
    }

    Response claim(Map<String, Object> body) {
        return as(worker).body(body).post(base() + "/claims");
    }

    /** Claims at most one task at once; the claimed task, or null when there was none. */
    JsonNode claimOne() {
        JsonNode tasks = json(claim(Map.of("max", 1)).then().statusCode(200).extract().asString()).get("tasks");
        return tasks.isEmpty() ? null : tasks.get(0);
    }

    Response complete(String id, String leaseToken) {
        return as(worker).body(Map.of("leaseToken", leaseToken, "result", Map.of("ok", true))).post(taskPath(id) + "/complete");
    }

    Response fail(String id, String leaseToken, boolean retryable) {
        return as(worker).body(Map.of("leaseToken", leaseToken, "error", "it broke", "retryable", retryable))
                .post(taskPath(id) + "/fail");
    }

    Response heartbeat(String id, String leaseToken) {
        return as(worker).body(Map.of("leaseToken", leaseToken)).post(taskPath(id) + "/heartbeat");
    }

    Response cancel(String id) {
        return as(worker).post(taskPath(id) + "/cancel");
    }

    String stateOf(String id) {
        return as(worker).get(taskPath(id)).then().statusCode(200).extract().path("state");
    }

    /** Sets the queue's settings with the bootstrap administrator's key. */
    void settings(Map<String, Object> settings) {
        support.Api.asAdmin().body(settings).put(base()).then().statusCode(200);
    }

    /** Enqueues {@code n} tasks in batches of 100 through {@code key} into {@code ofProject}'s queue. */
    void enqueueMany(String key, String ofProject, int n) {
        for (int start = 0; start < n; start += 100) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 100); i++) {
                batch.add(Map.of("payload", Map.of("i", i)));
            }
            Http.Answer answer = Http.post(base(ofProject) + "/tasks/batch", key, write(Map.of("tasks", batch)));
            if (answer.status() != 201) {
                throw new AssertionError("batch enqueue answered " + answer.status() + ": " + answer.body());
            }
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
