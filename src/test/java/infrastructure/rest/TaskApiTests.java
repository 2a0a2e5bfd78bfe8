package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.Http;
import support.Metrics;
import support.SseClient;

/**
 * The task queue over HTTP, on whichever store the subclass's profile selects: the lifecycle,
 * leases and redelivery, concurrency, idempotency, delays, priorities, cancel, the progress stream,
 * isolation, limits, long polling and fairness.
 */
abstract class TaskApiTests extends TaskApiTestsBase {

    @Test
    void runsATaskFromEnqueueThroughClaimAndHeartbeatToComplete() {
        var enqueued = as(worker).body("{\"payload\": {\"to\": \"ada@example.com\", \"n\": 12345678901234567890.5}}")
                .post(base() + "/tasks").then().statusCode(201)
                .body("state", equalTo("QUEUED")).body("attempt", equalTo(0)).body("leaseToken", equalTo(null))
                .extract();
        String id = enqueued.path("id");
        assertThat(enqueued.header("Location")).endsWith("/v1/projects/" + project + "/queues/" + queue + "/tasks/" + id);
        as(worker).get(base()).then().statusCode(200).body("counts.QUEUED", equalTo(1)).body("oldestQueuedAgeSeconds", notNullValue())
                .body("settings.maxAttempts", equalTo(5));

        String raw = claim(Map.of("max", 1)).then().statusCode(200).extract().asString();
        assertThat(raw).as("numbers kept as written").contains("12345678901234567890.5");
        JsonNode claimed = json(raw).get("tasks").get(0);
        assertThat(claimed.get("id").asText()).isEqualTo(id);
        assertThat(claimed.get("attempt").asInt()).isEqualTo(1);
        assertThat(claimed.get("payload").get("to").asText()).isEqualTo("ada@example.com");
        String lease = claimed.get("leaseToken").asText();
        Instant firstEnd = Instant.parse(claimed.get("leaseExpiresAt").asText());

        String extended = as(worker).body(Map.of("leaseToken", lease, "extendSeconds", 600)).post(taskPath(id) + "/heartbeat")
                .then().statusCode(200).body("state", equalTo("RUNNING")).extract().path("leaseExpiresAt");
        assertThat(Instant.parse(extended)).isAfter(firstEnd);
        assertThat(as(worker).get(taskPath(id)).then().statusCode(200).extract().asString()).doesNotContain(lease);

        complete(id, lease).then().statusCode(200).body("state", equalTo("SUCCEEDED")).body("result.ok", equalTo(true));
        complete(id, lease).then().statusCode(200).body("state", equalTo("SUCCEEDED"));
        as(worker).get(taskPath(id)).then().statusCode(200).body("state", equalTo("SUCCEEDED")).body("finishedAt", notNullValue());
        as(worker).get(base()).then().body("counts.SUCCEEDED", equalTo(1)).body("counts.QUEUED", equalTo(0));
        assertThat(claimOne()).as("nothing left to claim").isNull();
    }

    @Test
    void aWorkerCompletesATaskAndLeasesTheNextInOneRequest() {
        String first = enqueued(Map.of("n", 1));
        String second = enqueued(Map.of("n", 2));
        JsonNode running = claimOne();
        assertThat(running.get("id").asText()).isEqualTo(first);

        JsonNode answer = json(as(worker).body(Map.of("leaseToken", running.get("leaseToken").asText(), "result", Map.of("ok", true),
                "next", Map.of("max", 5, "leaseSeconds", 120))).post(taskPath(first) + "/complete").then().statusCode(200)
                .extract().asString());

        assertThat(answer.get("id").asText()).as("the completed task, as a plain complete answers it").isEqualTo(first);
        assertThat(answer.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(answer.get("result").get("ok").asBoolean()).isTrue();
        JsonNode next = answer.get("next").get("tasks");
        assertThat(next).hasSize(1);
        assertThat(next.get(0).get("id").asText()).isEqualTo(second);
        assertThat(next.get(0).get("payload").get("n").asInt()).isEqualTo(2);
        String lease = next.get(0).get("leaseToken").asText();
        assertThat(Duration.between(Instant.now(), Instant.parse(next.get(0).get("leaseExpiresAt").asText())))
                .isGreaterThan(Duration.ofSeconds(60));
        assertThat(stateOf(second)).isEqualTo("RUNNING");

        JsonNode last = json(as(worker).body(Map.of("leaseToken", lease, "next", Map.of())).post(taskPath(second) + "/complete")
                .then().statusCode(200).extract().asString());
        assertThat(last.get("next").get("tasks")).as("nothing left: an empty list, no wait").isEmpty();
        assertThat(json(complete(second, lease).then().statusCode(200).extract().asString()).has("next"))
                .as("a complete without next answers the task alone").isFalse();
    }

    @Test
    void aStaleCompletionWithNextGets409AndLeasesNothing() {
        String id = enqueued("lost");
        JsonNode stale = claimOne();
        String waiting = enqueued("waiting");
        cancel(id).then().statusCode(200);

        as(worker).body(Map.of("leaseToken", stale.get("leaseToken").asText(), "next", Map.of("max", 1)))
                .post(taskPath(id) + "/complete").then().statusCode(409)
                .body("type", equalTo("urn:cache-domain:problem:task-cancelled"));
        as(worker).body(Map.of("leaseToken", "Zm9vYmFyYmF6cXV4.0.9", "next", Map.of("max", 1)))
                .post(taskPath(id) + "/complete").then().statusCode(409);

        assertThat(stateOf(waiting)).isEqualTo("QUEUED");
        assertThat(stateOf(id)).isEqualTo("CANCELLED");
    }

    @Test
    void redeliversTheTaskOfASilentWorkerAfterItsLeaseAndRefusesTheLateComplete() {
        String id = enqueued(Map.of("job", "resize"));
        JsonNode first = json(claim(Map.of("leaseSeconds", 1)).then().statusCode(200).extract().asString()).get("tasks").get(0);
        String deadWorker = first.get("leaseToken").asText();

        // The next claimer waits; the lease's end wakes it, with no enqueue and no polling of its own.
        JsonNode second = json(claim(Map.of("waitSeconds", 10, "leaseSeconds", 60)).then().statusCode(200).extract().asString())
                .get("tasks").get(0);
        assertThat(second.get("id").asText()).isEqualTo(id);
        assertThat(second.get("attempt").asInt()).isEqualTo(2);
        assertThat(second.get("leaseToken").asText()).isNotEqualTo(deadWorker);
        assertThat(claimOne()).as("redelivered exactly once").isNull();

        complete(id, deadWorker).then().statusCode(409).body("type", equalTo("urn:cache-domain:problem:lease-lost"));
        heartbeat(id, deadWorker).then().statusCode(409).body("type", equalTo("urn:cache-domain:problem:lease-lost"));
        fail(id, deadWorker, true).then().statusCode(409);
        as(worker).get(taskPath(id)).then().body("state", equalTo("RUNNING")).body("attempt", equalTo(2))
                .body("result", equalTo(null));

        complete(id, second.get("leaseToken").asText()).then().statusCode(200).body("state", equalTo("SUCCEEDED"));
    }

    @Test
    void aStaleLeaseRacingAFreshClaimNeverWinsTheTask() throws Exception {
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String id = enqueued(Map.of("round", round));
                JsonNode first = json(claim(Map.of("leaseSeconds", 1)).then().statusCode(200).extract().asString()).get("tasks").get(0);
                Instant expiry = Instant.parse(first.get("leaseExpiresAt").asText());
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> Instant.now().isAfter(expiry));

                CountDownLatch start = new CountDownLatch(1);
                Future<Http.Answer> stale = both.submit(() -> {
                    start.await();
                    return Http.post(taskPath(id) + "/complete", worker, "{\"leaseToken\": \"" + first.get("leaseToken").asText() + "\"}");
                });
                Future<Http.Answer> fresh = both.submit(() -> {
                    start.await();
                    return Http.post(base() + "/claims", worker, "{\"leaseSeconds\": 60}");
                });
                start.countDown();

                assertThat(stale.get(30, TimeUnit.SECONDS).status()).isEqualTo(409);
                JsonNode claimed = json(fresh.get(30, TimeUnit.SECONDS).body()).get("tasks");
                assertThat(claimed).hasSize(1);
                assertThat(claimed.get(0).get("attempt").asInt()).isEqualTo(2);
                as(worker).get(taskPath(id)).then().body("state", equalTo("RUNNING")).body("attempt", equalTo(2));
                complete(id, claimed.get(0).get("leaseToken").asText()).then().statusCode(200);
            }
        } finally {
            both.shutdownNow();
        }
    }

    @Test
    void eightConcurrentWorkersCompleteEachOfTwoThousandTasksExactlyOnce() throws Exception {
        int total = 2_000;
        enqueueMany(worker, project, total);
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                running.add(workers.submit(() -> {
                    while (true) {
                        Http.Answer claimed = Http.post(base() + "/claims", worker, "{\"max\": 10, \"leaseSeconds\": 120}");
                        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
                        JsonNode tasks = json(claimed.body()).get("tasks");
                        if (tasks.isEmpty()) {
                            return null;
                        }
                        for (JsonNode task : tasks) {
                            String id = task.get("id").asText();
                            Http.Answer done = Http.post(taskPath(id) + "/complete", worker,
                                    "{\"leaseToken\": \"" + task.get("leaseToken").asText() + "\"}");
                            if (done.status() == 200) {
                                completions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> worker : running) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }

        assertThat(refused.get()).isZero();
        assertThat(completions).hasSize(total);
        assertThat(completions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        as(worker).get(base()).then().body("counts.SUCCEEDED", equalTo(total)).body("counts.QUEUED", equalTo(0))
                .body("counts.RUNNING", equalTo(0));
    }

    @Test
    void givesOneTaskForFiftyConcurrentEnqueuesWithOneIdempotencyKey() throws Exception {
        String body = "{\"payload\": {\"order\": 7}, \"idempotencyKey\": \"order-7\"}";
        ExecutorService producers = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(producers.submit(() -> {
                    start.await();
                    return Http.post(base() + "/tasks", worker, body);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (Future<Http.Answer> answer : answers) {
                Http.Answer a = answer.get(30, TimeUnit.SECONDS);
                statuses.add(a.status());
                ids.add(json(a.body()).get("id").asText());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(49);
            assertThat(ids).hasSize(1);
        } finally {
            producers.shutdownNow();
        }
        as(worker).get(base()).then().body("counts.QUEUED", equalTo(1));
    }

    @Test
    void keepsADelayedTaskFromClaimsUntilItsTime() {
        String delayed = enqueuedWith(Map.of("delaySeconds", 2));
        assertThat(stateOf(delayed)).isEqualTo("SCHEDULED");
        Instant at = Instant.now().plusSeconds(600);
        String later = enqueuedWith(Map.of("runAt", at.toString()));
        as(worker).get(taskPath(later)).then().body("state", equalTo("SCHEDULED"));
        assertThat(Instant.parse(as(worker).get(taskPath(later)).then().extract().<String>path("runAt")))
                // runAt becomes a delay at the edge, added to the store's now: the two clock reads lie the request's own
                // queueing apart, tens of milliseconds on a loaded two-core machine (CI saw 54 ms).
                .as("the moment asked for, to the time the request took").isBetween(at.minusMillis(50), at.plusMillis(500));

        Instant runAt = Instant.parse(as(worker).get(taskPath(delayed)).then().extract().path("runAt"));
        assertThat(claimOne()).as("not before its time").isNull();

        JsonNode claimed = json(claim(Map.of("waitSeconds", 10)).then().statusCode(200).extract().asString()).get("tasks").get(0);
        assertThat(claimed.get("id").asText()).isEqualTo(delayed);
        assertThat(Instant.now()).isAfterOrEqualTo(runAt);
        assertThat(stateOf(later)).as("the task due in ten minutes still waits").isEqualTo("SCHEDULED");
    }

    @Test
    void claimsHigherPrioritiesFirstAndEqualPrioritiesInEnqueueOrder() {
        String a = enqueuedWith(Map.of("priority", 0));
        String b = enqueuedWith(Map.of("priority", 5));
        String c = enqueuedWith(Map.of("priority", 0));
        String d = enqueuedWith(Map.of("priority", -10));
        String e = enqueuedWith(Map.of("priority", 10));

        JsonNode tasks = json(claim(Map.of("max", 5)).then().statusCode(200).extract().asString()).get("tasks");
        List<String> order = new ArrayList<>();
        tasks.forEach(t -> order.add(t.get("id").asText()));

        assertThat(order).containsExactly(e, b, a, c, d);
    }

    @Test
    void cancelsAWaitingTaskAtOnceAndARunningOneAtItsWorkersNextCall() {
        String queued = enqueued("q");
        cancel(queued).then().statusCode(200).body("state", equalTo("CANCELLED"));
        cancel(queued).then().statusCode(200).body("state", equalTo("CANCELLED"));
        String scheduled = enqueuedWith(Map.of("delaySeconds", 600));
        cancel(scheduled).then().statusCode(200).body("state", equalTo("CANCELLED"));

        settings(Map.of("backoffMinSeconds", 600, "backoffMaxSeconds", 600));
        String retrying = enqueued("r");
        fail(retrying, claimOne().get("leaseToken").asText(), true).then().statusCode(200).body("state", equalTo("FAILED"));
        cancel(retrying).then().statusCode(200).body("state", equalTo("CANCELLED"));

        String running = enqueued("run");
        String lease = claimOne().get("leaseToken").asText();
        cancel(running).then().statusCode(200).body("state", equalTo("RUNNING")).body("cancelRequested", equalTo(true));
        heartbeat(running, lease).then().statusCode(409).body("type", equalTo("urn:cache-domain:problem:task-cancelled"))
                .body("detail", org.hamcrest.Matchers.containsString("cancelled"));
        complete(running, lease).then().statusCode(409);
        assertThat(stateOf(running)).isEqualTo("CANCELLED");

        String succeeded = enqueued("s");
        complete(succeeded, claimOne().get("leaseToken").asText()).then().statusCode(200);
        cancel(succeeded).then().statusCode(409).body("type", equalTo("urn:cache-domain:problem:conflict"));
        assertThat(stateOf(succeeded)).isEqualTo("SUCCEEDED");

        String dead = enqueued("d");
        fail(dead, claimOne().get("leaseToken").asText(), false).then().statusCode(200).body("state", equalTo("DEAD"));
        cancel(dead).then().statusCode(409);
        as(worker).get(base()).then().body("counts.CANCELLED", equalTo(4));
    }

    @Test
    void aCompleteRacingACancelLetsExactlyOneWinAndTheStateSaysWhich() throws Exception {
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = enqueued(Map.of("round", round));
                String lease = claimOne().get("leaseToken").asText();
                CountDownLatch start = new CountDownLatch(1);
                Future<Http.Answer> completing = both.submit(() -> {
                    start.await();
                    return Http.post(taskPath(id) + "/complete", worker, "{\"leaseToken\": \"" + lease + "\"}");
                });
                Future<Http.Answer> cancelling = both.submit(() -> {
                    start.await();
                    return Http.post(taskPath(id) + "/cancel", worker, null);
                });
                start.countDown();
                int completed = completing.get(30, TimeUnit.SECONDS).status();
                int cancelled = cancelling.get(30, TimeUnit.SECONDS).status();

                assertThat(List.of(completed, cancelled)).containsExactlyInAnyOrder(200, 409);
                assertThat(stateOf(id)).isEqualTo(completed == 200 ? "SUCCEEDED" : "CANCELLED");
            }
        } finally {
            both.shutdownNow();
        }
    }

    @Test
    void movesATaskToTheDeadLettersAfterItsLastAttemptAndRedrivesItWithItsAttemptsReset() {
        String id = enqueuedWith(Map.of("maxAttempts", 1));
        fail(id, claimOne().get("leaseToken").asText(), true).then().statusCode(200).body("state", equalTo("DEAD"))
                .body("lastError", equalTo("it broke"));
        as(worker).get(base() + "/dead").then().statusCode(200).body("items.id", hasItem(id));

        as(worker).body(Map.of("ids", List.of(id, "tk_notadeadletter"))).post(base() + "/dead/redrive")
                .then().statusCode(200).body("redriven", equalTo(1));

        as(worker).get(taskPath(id)).then().body("state", equalTo("QUEUED")).body("attempt", equalTo(0));
        assertThat(claimOne().get("id").asText()).isEqualTo(id);
        as(worker).get(base() + "/dead").then().body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void pagesThroughAQueuesTasksByState() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(enqueued(i));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = as(worker).queryParam("state", "queued").queryParam("limit", 2)
                    .queryParam("cursor", cursor == null ? "" : cursor).get(base() + "/tasks").then().statusCode(200).extract();
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids);
    }

    @Test
    void showsATasksStepsRetryAndEndOnItsProgressStream() {
        settings(Map.of("backoffMinSeconds", 1, "backoffMaxSeconds", 1));
        JsonNode task = json(enqueue(Map.of("payload", "p", "progress", Map.of("totalSteps", 2)))
                .then().statusCode(201).body("progressId", org.hamcrest.Matchers.startsWith("task-")).extract().asString());
        String id = task.get("id").asText();
        String progressId = task.get("progressId").asText();
        String reader = keyFor(List.of(project), "progress:read");
        SseClient.Stream stream = SseClient.open(URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + project
                + "/progress/" + progressId + "/events"), Map.of("Authorization", "Bearer " + reader));
        try {
            assertThat(stream.next(WAIT).type()).isEqualTo("snapshot");
            String first = claimOne().get("leaseToken").asText();
            as(worker).body(Map.of("leaseToken", first, "progress", Map.of("message", "step one"))).post(taskPath(id) + "/heartbeat")
                    .then().statusCode(200);
            fail(id, first, true).then().statusCode(200).body("state", equalTo("FAILED"));

            JsonNode again = json(claim(Map.of("waitSeconds", 10)).then().statusCode(200).extract().asString()).get("tasks").get(0);
            assertThat(again.get("attempt").asInt()).isEqualTo(2);
            assertThat(again.get("progressId").asText()).isEqualTo(progressId);
            complete(id, again.get("leaseToken").asText()).then().statusCode(200);

            List<SseClient.Event> events = stream.next(4, WAIT);
            assertThat(events).extracting(SseClient.Event::type).containsExactly("progress", "progress", "progress", "completed");
            assertThat(events.get(0).json().get("message").asText()).isEqualTo("step one");
            assertThat(events.get(0).json().get("step").asLong()).isEqualTo(1);
            assertThat(events.get(1).json().get("message").asText()).startsWith("attempt 1 of 5 failed, retry at").endsWith("it broke");
            assertThat(events.get(1).json().get("step").asLong()).as("a retry is no step").isEqualTo(1);
            assertThat(events.get(2).json().get("message").asText()).isEqualTo("attempt 2 of 5 started");
            assertThat(stream.endsWithin(WAIT)).isTrue();
        } finally {
            stream.close();
        }

        as(keyFor(List.of(project), "progress")).body(Map.of("correlationId", "task-mine", "totalSteps", 1))
                .post("/v1/projects/" + project + "/progress")
                .then().statusCode(400).body("violations[0].field", equalTo("correlationId"));
    }

    @Test
    void failsATasksProgressWhenTheTaskDiesOrIsCancelled() {
        String reader = keyFor(List.of(project), "progress:read");
        JsonNode dies = json(enqueue(Map.of("payload", 1, "maxAttempts", 1, "progress", Map.of("totalSteps", 3)))
                .then().statusCode(201).extract().asString());
        fail(dies.get("id").asText(), claimOne().get("leaseToken").asText(), true).then().statusCode(200);
        JsonNode cancelled = json(enqueue(Map.of("payload", 2, "progress", Map.of("totalSteps", 3)))
                .then().statusCode(201).extract().asString());
        cancel(cancelled.get("id").asText()).then().statusCode(200);

        for (JsonNode task : List.of(dies, cancelled)) {
            String path = "/v1/projects/" + project + "/progress/" + task.get("progressId").asText();
            Awaitility.await().atMost(WAIT).untilAsserted(() -> as(reader).get(path).then().statusCode(200)
                    .body("status", equalTo("FAILED")));
        }
    }

    @Test
    void failsTheProgressAndCountsTheDeathOfATaskWhoseWorkerWentSilentOnItsLastAttempt() {
        String reader = keyFor(List.of(project), "progress:read");
        String[] tags = {"project", project, "queue", queue};
        JsonNode task = json(enqueue(Map.of("payload", 1, "maxAttempts", 1, "progress", Map.of("totalSteps", 3)))
                .then().statusCode(201).extract().asString());
        String id = task.get("id").asText();
        JsonNode claimed = json(claim(Map.of("max", 1, "leaseSeconds", 1)).then().statusCode(200).extract().asString())
                .get("tasks").get(0);
        assertThat(claimed.get("id").asText()).isEqualTo(id);

        // The worker never calls again: reading the task after its lease runs the store's upkeep, which ends it.
        Awaitility.await("the task dies when its lease runs out").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> "DEAD".equals(stateOf(id)));

        String path = "/v1/projects/" + project + "/progress/" + task.get("progressId").asText();
        Awaitility.await("its progress fails").atMost(WAIT).untilAsserted(() -> as(reader).get(path).then().statusCode(200)
                .body("status", equalTo("FAILED")).body("message", org.hamcrest.Matchers.containsString("lease expired")));
        assertThat(Metrics.scrape().value("tasks_dead_total", tags)).as("counted dead once").isEqualTo(1);
    }

    @Test
    void refusesAWorkerOfAnotherProjectOnEveryTaskEndpoint() {
        String id = enqueued("secret");
        String other = freshProject();
        String stranger = keyFor(List.of(other), "tasks");
        String lease = "abc.1";

        List<Http.Answer> answers = List.of(
                Http.post(base() + "/tasks", stranger, "{\"payload\": 1}"),
                Http.post(base() + "/tasks/batch", stranger, "{\"tasks\": [{\"payload\": 1}]}"),
                Http.post(base() + "/claims", stranger, "{}"),
                Http.post(taskPath(id) + "/heartbeat", stranger, "{\"leaseToken\": \"" + lease + "\"}"),
                Http.post(taskPath(id) + "/complete", stranger, "{\"leaseToken\": \"" + lease + "\"}"),
                Http.post(taskPath(id) + "/fail", stranger, "{\"leaseToken\": \"" + lease + "\", \"error\": \"x\"}"),
                Http.post(taskPath(id) + "/cancel", stranger, null),
                Http.get(taskPath(id), stranger),
                Http.get(base() + "/tasks", stranger),
                Http.get(base(), stranger),
                Http.put(base(), stranger, "{}"),
                Http.get(base() + "/dead", stranger),
                Http.post(base() + "/dead/redrive", stranger, "{}"));
        assertThat(answers).extracting(Http.Answer::status).containsOnly(403);

        // Its own project's path with the other project's id: no such task there, as for an id that never existed.
        String strangersPath = base(other) + "/tasks/" + id;
        assertThat(Http.get(strangersPath, stranger).status()).isEqualTo(404);
        assertThat(Http.post(strangersPath + "/cancel", stranger, null).status()).isEqualTo(404);
        assertThat(Http.get(base(other) + "/tasks/tk_neverexisted", stranger).status()).isEqualTo(404);
        // Claiming across its own projects never reaches this one's tasks.
        assertThat(json(Http.post("/v1/queues/" + queue + "/claims", stranger, "{\"max\": 100}").body()).get("tasks")).isEmpty();
        assertThat(stateOf(id)).isEqualTo("QUEUED");
        // A key without the admin scope may not change a queue's settings, even on its own project.
        assertThat(Http.put(base(), worker, "{\"maxAttempts\": 2}").status()).isEqualTo(403);
    }

    @Test
    void refusesEveryTaskEndpointToAKeyOfTheProjectWithoutTheTasksScope() {
        String id = enqueued("mine");
        // Every other scope on the project, admin included: the tasks scope is what task endpoints need.
        String noTasks = keyFor(List.of(project), "cache:read", "cache:write", "sessions", "rate-limits", "progress",
                "progress:read", "admin");
        String lease = "abc.1";

        List<Http.Answer> answers = List.of(
                Http.post(base() + "/tasks", noTasks, "{\"payload\": 1}"),
                Http.post(base() + "/tasks/batch", noTasks, "{\"tasks\": [{\"payload\": 1}]}"),
                Http.post(base() + "/claims", noTasks, "{}"),
                Http.post("/v1/queues/" + queue + "/claims", noTasks, "{}"),
                Http.post(taskPath(id) + "/heartbeat", noTasks, "{\"leaseToken\": \"" + lease + "\"}"),
                Http.post(taskPath(id) + "/complete", noTasks, "{\"leaseToken\": \"" + lease + "\"}"),
                Http.post(taskPath(id) + "/fail", noTasks, "{\"leaseToken\": \"" + lease + "\", \"error\": \"x\"}"),
                Http.post(taskPath(id) + "/cancel", noTasks, null),
                Http.get(taskPath(id), noTasks),
                Http.get(base() + "/tasks", noTasks),
                Http.get(base(), noTasks),
                Http.get(base() + "/dead", noTasks),
                Http.post(base() + "/dead/redrive", noTasks, "{}"));

        assertThat(answers).extracting(Http.Answer::status).containsOnly(403);
        assertThat(answers).allSatisfy(a -> assertThat(json(a.body()).get("type").asText()).isEqualTo("urn:cache-domain:problem:forbidden"));
        assertThat(stateOf(id)).as("nothing was claimed, cancelled or added").isEqualTo("QUEUED");
        assertThat(as(worker).get(base() + "/tasks").then().statusCode(200).extract().jsonPath().getList("items.id")).containsExactly(id);
        // A queue's settings take admin, which this key has: tasks is not needed there.
        assertThat(Http.put(base(), noTasks, "{\"maxAttempts\": 2}").status()).isEqualTo(200);
    }

    @Test
    void answersEveryBadFieldWithAProblemNamingIt() {
        String id = enqueued("x");
        String tooFar = Instant.now().plus(Duration.ofDays(31)).toString();
        String past = Instant.now().minusSeconds(3600).toString();
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("queue", new String[] {"POST", "/v1/projects/" + project + "/queues/Bad_Queue/tasks", "{\"payload\": 1}"});
        cases.put("projectId", new String[] {"POST", "/v1/projects/BAD/queues/" + queue + "/tasks", "{\"payload\": 1}"});
        cases.put("payload", new String[] {"POST", base() + "/tasks", "{}"});
        cases.put("delaySeconds", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"delaySeconds\": 2592001}"});
        cases.put("delaySeconds ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"delaySeconds\": -1}"});
        cases.put("runAt", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"runAt\": \"" + past + "\"}"});
        cases.put("runAt ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"runAt\": \"" + tooFar + "\"}"});
        cases.put("runAt  ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"runAt\": \"tomorrow\"}"});
        cases.put("runAt   ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"delaySeconds\": 5, \"runAt\": \""
                + Instant.now().plusSeconds(60) + "\"}"});
        cases.put("priority", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"priority\": 11}"});
        cases.put("priority ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"priority\": \"5\"}"});
        cases.put("maxAttempts", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"maxAttempts\": 0}"});
        cases.put("maxAttempts ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"maxAttempts\": 101}"});
        cases.put("maxAttempts  ", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"maxAttempts\": 1.5}"});
        cases.put("idempotencyKey", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"idempotencyKey\": \"a b\"}"});
        cases.put("progress.totalSteps", new String[] {"POST", base() + "/tasks", "{\"payload\": 1, \"progress\": {}}"});
        cases.put("tasks", new String[] {"POST", base() + "/tasks/batch", "{\"tasks\": []}"});
        cases.put("tasks[1].priority", new String[] {"POST", base() + "/tasks/batch",
                "{\"tasks\": [{\"payload\": 1}, {\"payload\": 2, \"priority\": 99}]}"});
        cases.put("max", new String[] {"POST", base() + "/claims", "{\"max\": 101}"});
        cases.put("max ", new String[] {"POST", base() + "/claims", "{\"max\": 0}"});
        cases.put("waitSeconds", new String[] {"POST", base() + "/claims", "{\"waitSeconds\": 21}"});
        cases.put("waitSeconds ", new String[] {"POST", base() + "/claims", "{\"waitSeconds\": -1}"});
        cases.put("leaseSeconds", new String[] {"POST", base() + "/claims", "{\"leaseSeconds\": 0}"});
        cases.put("leaseSeconds ", new String[] {"POST", base() + "/claims", "{\"leaseSeconds\": 43201}"});
        cases.put("waitSeconds  ", new String[] {"POST", "/v1/queues/" + queue + "/claims", "{\"waitSeconds\": 99}"});
        cases.put("leaseToken", new String[] {"POST", taskPath(id) + "/complete", "{}"});
        cases.put("next.max", new String[] {"POST", taskPath(id) + "/complete", "{\"leaseToken\": \"a.1\", \"next\": {\"max\": 101}}"});
        cases.put("next.max ", new String[] {"POST", taskPath(id) + "/complete", "{\"leaseToken\": \"a.1\", \"next\": {\"max\": 0}}"});
        cases.put("next.leaseSeconds", new String[] {"POST", taskPath(id) + "/complete",
                "{\"leaseToken\": \"a.1\", \"next\": {\"leaseSeconds\": 0}}"});
        cases.put("next", new String[] {"POST", taskPath(id) + "/complete", "{\"leaseToken\": \"a.1\", \"next\": 5}"});
        cases.put("next.max  ", new String[] {"POST", taskPath(id) + "/complete",
                "{\"leaseToken\": \"a.1\", \"next\": {\"max\": \"all\"}}"});
        cases.put("next.waitSeconds", new String[] {"POST", taskPath(id) + "/complete",
                "{\"leaseToken\": \"a.1\", \"next\": {\"waitSeconds\": 5}}"});
        cases.put("leaseToken ", new String[] {"POST", taskPath(id) + "/heartbeat", "{\"leaseToken\": \"not a token\"}"});
        cases.put("extendSeconds", new String[] {"POST", taskPath(id) + "/heartbeat", "{\"leaseToken\": \"a.1\", \"extendSeconds\": 0}"});
        cases.put("progress.message", new String[] {"POST", taskPath(id) + "/heartbeat", "{\"leaseToken\": \"a.1\", \"progress\": {}}"});
        cases.put("error", new String[] {"POST", taskPath(id) + "/fail", "{\"leaseToken\": \"a.1\"}"});
        cases.put("error ", new String[] {"POST", taskPath(id) + "/fail", "{\"leaseToken\": \"a.1\", \"error\": \"" + "e".repeat(4097) + "\"}"});
        cases.put("retryable", new String[] {"POST", taskPath(id) + "/fail", "{\"leaseToken\": \"a.1\", \"error\": \"e\", \"retryable\": \"no\"}"});
        cases.put("id", new String[] {"GET", base() + "/tasks/" + "x".repeat(65), null});
        cases.put("state", new String[] {"GET", base() + "/tasks?state=DONE", null});
        cases.put("cursor", new String[] {"GET", base() + "/tasks?cursor=-1", null});
        cases.put("limit", new String[] {"GET", base() + "/tasks?limit=1001", null});
        cases.put("limit ", new String[] {"GET", base() + "/dead?limit=0", null});
        cases.put("ids", new String[] {"POST", base() + "/dead/redrive", "{\"ids\": []}"});
        cases.put("ids[0]", new String[] {"POST", base() + "/dead/redrive", "{\"ids\": [\"../x\"]}"});

        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] request = c.getValue();
            Http.Answer answer = Http.call(request[0], request[1], worker, request[2]);
            assertThat(answer.status()).as("%s: %s", c.getKey(), answer.body()).isEqualTo(400);
            JsonNode problem = json(answer.body());
            assertThat(problem.get("type").asText()).as(c.getKey()).startsWith("urn:cache-domain:problem:");
            assertThat(problem.toString()).as("%s names its field", c.getKey()).contains("\"" + c.getKey().trim() + "\"");
        }

        String admin = support.Api.BOOTSTRAP_KEY;
        for (String[] bad : List.of(new String[] {"maxAttempts", "{\"maxAttempts\": 0}"},
                new String[] {"backoffMinSeconds", "{\"backoffMinSeconds\": 0}"},
                new String[] {"backoffMaxSeconds", "{\"backoffMinSeconds\": 10, \"backoffMaxSeconds\": 5}"},
                new String[] {"defaultLeaseSeconds", "{\"defaultLeaseSeconds\": 43201}"},
                new String[] {"maxQueued", "{\"maxQueued\": 0}"},
                new String[] {"maxQueued", "{\"maxQueued\": 100000000}"},
                new String[] {"deadLetterRetentionSeconds", "{\"deadLetterRetentionSeconds\": 0}"})) {
            Http.Answer answer = Http.put(base(), admin, bad[1]);
            assertThat(answer.status()).as(bad[1] + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains("\"" + bad[0] + "\"");
        }
        assertThat(stateOf(id)).isEqualTo("QUEUED");
    }

    @Test
    void answersAHostileClientWithProblemsAndNeverA500() {
        String id = enqueued("x");
        String other = enqueued("y");
        JsonNode claimed = json(claim(Map.of("max", 2)).then().statusCode(200).extract().asString()).get("tasks");
        String leaseOfOther = claimed.get(1).get("leaseToken").asText();
        String deep = "[".repeat(65) + "]".repeat(65);
        String batchOf101 = write(Map.of("tasks", java.util.Collections.nCopies(101, Map.of("payload", 1))));
        Object[][] cases = {
                {"POST", base() + "/tasks", "[]", 400},
                {"POST", base() + "/tasks", "\"just a string\"", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1,", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1, \"progress\": 5}", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1, \"delaySeconds\": 1e30}", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1, \"maxAttempts\": 99999999999}", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1, \"progress\": {\"totalSteps\": 1000000000000}}", 400},
                {"POST", base() + "/tasks", "{\"payload\": " + deep + "}", 400},
                {"POST", base() + "/tasks", "{\"payload\": \"\\ud800\"}", 400},
                {"POST", base() + "/tasks", "{\"payload\": 1, \"payload\": 2}", 400},
                {"POST", base() + "/tasks/batch", batchOf101, 400},
                {"POST", base() + "/tasks/batch", "{\"tasks\": [null]}", 400},
                {"POST", base() + "/claims", "{\"max\": \"10\"}", 400},
                {"POST", base() + "/claims", "{\"waitSeconds\": 2147483648}", 400},
                {"POST", taskPath(id) + "/heartbeat", "{\"leaseToken\": \"a.1\", \"progress\": {\"message\": \"x\", \"increment\": 0}}", 400},
                {"POST", taskPath(id) + "/heartbeat", "{\"leaseToken\": \"a.1\", \"extendSeconds\": 43201}", 400},
                {"POST", taskPath(id) + "/complete", "{\"leaseToken\": \"" + leaseOfOther + "\"}", 409},
                {"POST", taskPath(id) + "/complete", "{\"leaseToken\": \"" + leaseOfOther + "\", \"result\": \""
                        + "r".repeat(256 * 1024) + "\"}", 413},
                {"POST", taskPath(id) + "/fail", "{\"leaseToken\": \"a.1\", \"error\": \"\"}", 400},
                {"POST", taskPath("tk_%C3%A9"), "{}", 404},
                {"GET", taskPath("tk_%C3%A9"), null, 400},
                {"GET", base() + "/tasks?limit=abc", null, 400},
                {"POST", base() + "/dead/redrive", write(Map.of("ids", java.util.Collections.nCopies(1001, "tk_x"))), 400},
                {"PUT", base(), "{\"maxAttempts\": 5}", 403},
        };
        for (Object[] c : cases) {
            Http.Answer answer = Http.call((String) c[0], (String) c[1], worker, (String) c[2]);
            assertThat(answer.status()).as("%s %s %s: %s", c[0], c[1], c[2] == null ? "" : ((String) c[2]).substring(0,
                    Math.min(80, ((String) c[2]).length())), answer.body()).isEqualTo(c[3]);
            assertThat(json(answer.body()).get("type").asText()).startsWith("urn:cache-domain:problem:");
        }
        assertThat(stateOf(id)).as("nothing a hostile call sent changed the task").isEqualTo("RUNNING");
        assertThat(stateOf(other)).isEqualTo("RUNNING");
        assertThat(complete(other, leaseOfOther).then().extract().statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAPayloadOverTheLimitWith413AndUnicodeQueueNamesWith400() {
        String big = "{\"payload\": \"" + "a".repeat(256 * 1024) + "\"}";
        Http.Answer tooLarge = Http.post(base() + "/tasks", worker, big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(json(tooLarge.body()).get("type").asText()).isEqualTo("urn:cache-domain:problem:payload-too-large");

        Http.Answer justRight = Http.post(base() + "/tasks", worker, "{\"payload\": \"" + "a".repeat(256 * 1024 - 2) + "\"}");
        assertThat(justRight.status()).isEqualTo(201);

        for (String name : List.of("%C3%A9t%C3%A9", "q%E2%80%8Bq", "Q", "-q", "q%2Fq", "q".repeat(65))) {
            Http.Answer answer = Http.post("/v1/projects/" + project + "/queues/" + name + "/tasks", worker, "{\"payload\": 1}");
            assertThat(answer.status()).as(name).isIn(400, 404);
            if (answer.status() == 400) {
                assertThat(answer.body()).contains("\"queue\"");
            }
        }
        Http.Answer unicode = Http.post("/v1/projects/" + project + "/queues/%C3%A9t%C3%A9/tasks", worker, "{\"payload\": 1}");
        assertThat(unicode.status()).isEqualTo(400);
    }

    @Test
    void answersAFullQueueWith429AndStillAnswersIdempotentRepeats() {
        settings(Map.of("maxQueued", 2));
        enqueuedWith(Map.of("idempotencyKey", "first"));
        enqueued("second");

        enqueue(Map.of("payload", "third")).then().statusCode(429).header("Retry-After", notNullValue())
                .body("type", equalTo("urn:cache-domain:problem:queue-full"))
                .body("detail", org.hamcrest.Matchers.containsString("2 waiting tasks"));
        as(worker).body(Map.of("tasks", List.of(Map.of("payload", 1)))).post(base() + "/tasks/batch").then().statusCode(429);
        enqueue(Map.of("payload", "again", "idempotencyKey", "first")).then().statusCode(200);

        claimOne();
        enqueue(Map.of("payload", "room again")).then().statusCode(201);
    }

    @Test
    void answersABatchWithEachTasksOutcomeInOrder() {
        settings(Map.of("maxQueued", 3));
        enqueuedWith(Map.of("idempotencyKey", "k1"));
        var answer = as(worker).body(Map.of("tasks", List.of(Map.of("payload", 1, "idempotencyKey", "k1"), Map.of("payload", 2),
                        Map.of("payload", 3), Map.of("payload", 4))))
                .post(base() + "/tasks/batch").then().statusCode(201).extract();
        assertThat(answer.<List<String>>path("items.outcome")).containsExactly("repeated", "enqueued", "enqueued", "queue-full");
    }

    @Test
    void returnsALongPollWithinAHundredMillisecondsOfAnEnqueue() throws Exception {
        for (int round = 0; round < 3; round++) {
            CompletableFuture<Http.Answer> waiting = CompletableFuture.supplyAsync(
                    () -> Http.post(base() + "/claims", worker, "{\"waitSeconds\": 15}"));
            Awaitility.await().atMost(WAIT).until(() -> Metrics.scrape().value("tasks_long_polls") >= 1);
            Http.Answer enqueued = Http.post(base() + "/tasks", worker, "{\"payload\": " + round + "}");
            long enqueuedAt = System.nanoTime();
            Http.Answer claimed = waiting.get(20, TimeUnit.SECONDS);
            long late = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - enqueuedAt);

            assertThat(enqueued.status()).isEqualTo(201);
            assertThat(claimed.status()).isEqualTo(200);
            assertThat(json(claimed.body()).get("tasks").get(0).get("id").asText()).isEqualTo(json(enqueued.body()).get("id").asText());
            assertThat(late).as("ms after the enqueue's answer").isLessThan(100);
        }
    }

    @Test
    void endsAWaitingClaimWhenItsCallerGoesAwayAndLeavesTheNextTaskQueued() throws Exception {
        double before = Metrics.scrape().value("tasks_long_polls");
        String body = "{\"waitSeconds\": 20}";
        try (java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
            socket.getOutputStream().write(("POST " + base() + "/claims HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + worker
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            Awaitility.await().atMost(WAIT).until(() -> Metrics.scrape().value("tasks_long_polls") >= before + 1);
        }

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Metrics.scrape().value("tasks_long_polls") <= before);
        String id = enqueued("for a caller still there");
        assertThat(stateOf(id)).isEqualTo("QUEUED");
    }

    @Test
    void answersAnEmptyListWhenNothingComesWithinTheWait() {
        Instant before = Instant.now();
        claim(Map.of("waitSeconds", 1)).then().statusCode(200).body("tasks", org.hamcrest.Matchers.empty());
        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void boundsTheClaimsOnePrincipalMayHoldWaitingWith429() throws Exception {
        List<CompletableFuture<Http.Answer>> waiting = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        for (int i = 0; i < 32; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> Http.post(base() + "/claims", worker, "{\"waitSeconds\": 3}"), clients));
        }
        Awaitility.await().atMost(WAIT).until(() -> Metrics.scrape().value("tasks_long_polls") >= 32);
        Http.Answer refused = Http.post(base() + "/claims", worker, "{\"waitSeconds\": 3}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Http.post(base() + "/claims", worker, "{}").status()).as("a claim that does not wait").isEqualTo(200);
        for (CompletableFuture<Http.Answer> w : waiting) {
            assertThat(w.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        clients.shutdown();
        assertThat(Http.post(base() + "/claims", worker, "{\"waitSeconds\": 1}").status()).as("the slots came back").isEqualTo(200);
    }

    @Test
    void givesASmallProjectsTenTasksWithinTheFirstTwentyClaimsAcrossProjects() {
        String big = project;
        String small = freshProject();
        enqueueMany(worker, big, 1_000);
        enqueueMany(keyFor(List.of(small), "tasks"), small, 10);
        String both = keyFor(List.of(big, small), "tasks");

        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JsonNode tasks = json(Http.post("/v1/queues/" + queue + "/claims", both, "{\"max\": 1}").body()).get("tasks");
            projects.add(tasks.get(0).get("project").asText());
        }

        assertThat(projects).filteredOn(small::equals).hasSize(10);
        // A task claimed across projects is completed at its own project's URL.
        JsonNode more = json(Http.post("/v1/queues/" + queue + "/claims", both, "{\"max\": 1}").body()).get("tasks").get(0);
        Http.Answer done = Http.post("/v1/projects/" + more.get("project").asText() + "/queues/" + queue + "/tasks/"
                + more.get("id").asText() + "/complete", both, "{\"leaseToken\": \"" + more.get("leaseToken").asText() + "\"}");
        assertThat(done.status()).isEqualTo(200);
    }

    @Test
    void refusesACrossProjectClaimToAKeyForEveryProject() {
        String everyProject = keyFor(List.of("*"), "tasks");
        Http.Answer answer = Http.post("/v1/queues/" + queue + "/claims", everyProject, "{}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(Http.post("/v1/queues/" + queue + "/claims", keyFor(List.of(project), "progress"), "{}").status()).isEqualTo(403);
    }

    @Test
    void describesEveryTaskEndpointInTheOpenApiDocument() {
        io.restassured.response.Response doc = RestAssured.given().queryParam("format", "json").get("/q/openapi");
        doc.then().statusCode(200);
        Map<String, Map<String, Object>> paths = doc.path("paths");
        String q = "/v1/projects/{projectId}/queues/{queue}";

        assertThat(paths.get(q)).containsKeys("get", "put");
        assertThat(paths.get(q + "/tasks")).containsKeys("get", "post");
        assertThat(paths.get(q + "/tasks/batch")).containsKeys("post");
        assertThat(paths.get(q + "/claims")).containsKeys("post");
        assertThat(paths.get(q + "/tasks/{id}")).containsKeys("get");
        for (String change : List.of("heartbeat", "complete", "fail", "cancel")) {
            assertThat(paths.get(q + "/tasks/{id}/" + change)).as(change).containsKeys("post");
        }
        assertThat(paths.get(q + "/dead")).containsKeys("get");
        assertThat(paths.get(q + "/dead/redrive")).containsKeys("post");
        assertThat(paths.get("/v1/queues/{queue}/claims")).containsKeys("post");
        doc.then().body("paths.'" + q + "/tasks'.post.summary", equalTo("Enqueue a task"))
                .body("paths.'" + q + "/tasks'.post.requestBody.content.'application/json'.examples.email.value.payload.to",
                        equalTo("ada@example.com"))
                .body("paths.'" + q + "/claims'.post.responses.'200'.content.'application/json'.examples.claimed.value.tasks[0].leaseToken",
                        notNullValue())
                .body("tags.name", hasItem("tasks"));
    }

    @Test
    void countsTheTasksOfAQueueInItsMetrics() {
        Metrics before = Metrics.scrape();
        String id = enqueued(1);
        complete(id, claimOne().get("leaseToken").asText()).then().statusCode(200);
        as(worker).get(base()).then().statusCode(200);
        Metrics after = Metrics.scrape();

        String[] tags = {"project", project, "queue", queue};
        assertThat(after.value("tasks_enqueued_total", tags) - before.value("tasks_enqueued_total", tags)).isEqualTo(1);
        assertThat(after.value("tasks_claimed_total", tags)).isEqualTo(1);
        assertThat(after.value("tasks_completed_total", tags)).isEqualTo(1);
        assertThat(after.series("tasks_queue_depth", tags)).hasSize(1);
        assertThat(after.value("tasks_claim_wait_seconds_count") - before.value("tasks_claim_wait_seconds_count")).isEqualTo(1);
        assertThat(after.series("tasks_run_seconds_bucket")).isNotEmpty();
        assertThat(after.value("operations_seconds_count", "capability", "tasks", "operation", "claim", "outcome", "ok")
                - before.value("operations_seconds_count", "capability", "tasks", "operation", "claim", "outcome", "ok")).isEqualTo(1);
    }
}
