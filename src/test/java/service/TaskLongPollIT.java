package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/**
 * Two instances of the packaged service on one Redis: a worker's long-poll claim on one returns
 * within 100 ms of a task enqueued through the other, woken by the queue's signal, not by polling.
 */
class TaskLongPollIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void returnsALongPollOnOneInstanceWithinAHundredMillisecondsOfAnEnqueueThroughAnother() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> env = Map.of(
                    "CACHE_DOMAIN_STORE", "redis",
                    "REDIS_URL", redis.url(),
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP);
            try (ServiceProcess a = ServiceProcess.start(env); ServiceProcess b = ServiceProcess.start(env)) {
                HttpResponse<String> key = a.send("POST", "/v1/admin/api-keys", BOOTSTRAP,
                        "{\"name\": \"worker\", \"projects\": [\"shop\"], \"scopes\": [\"tasks\"]}");
                assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
                String worker = JSON.readTree(key.body()).get("key").asText();
                String queue = "/v1/projects/shop/queues/emails";

                for (int round = 0; round < 4; round++) {
                    CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(HttpRequest.newBuilder(a.uri(queue + "/claims"))
                                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + worker)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"waitSeconds\": 15}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    Awaitility.await("the claim to wait on instance a").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> longPolls(a) >= 1);

                    HttpResponse<String> enqueued = b.send("POST", queue + "/tasks", worker, "{\"payload\": {\"round\": " + round + "}}");
                    long answeredAt = System.nanoTime();
                    HttpResponse<String> claimed = waiting.get(20, TimeUnit.SECONDS);
                    long late = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredAt);

                    assertThat(enqueued.statusCode()).as(enqueued.body()).isEqualTo(201);
                    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
                    JsonNode tasks = JSON.readTree(claimed.body()).get("tasks");
                    assertThat(tasks).hasSize(1);
                    assertThat(tasks.get(0).get("id").asText()).isEqualTo(JSON.readTree(enqueued.body()).get("id").asText());
                    if (round > 0) {
                        // Round 0 warms both processes up (class loading, the JIT); the bound is for a running service.
                        assertThat(late).as("ms from the enqueue's answer on b to the claim's on a").isLessThan(100);
                    }
                }
            }
        }
    }

    /** Claims waiting on the instance, from its Prometheus metrics. */
    private static double longPolls(ServiceProcess service) throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(service.uri("/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(l -> l.startsWith("tasks_long_polls"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
