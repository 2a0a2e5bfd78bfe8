package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/**
 * Right after start, under a burst, the limiter still limits exactly: the real 50 ms budget measures
 * Redis, not the service's cold JIT, filling pool or busy event loop, so no check is decided by its
 * fail mode while Redis answers. The packaged service is started for this test alone, as a deploy
 * starts it, and meets the burst at once.
 *
 * <p>A separate process rather than a {@code @QuarkusTest}: inside the default run's JVM, after the
 * suite's other applications, the same burst saw 212 degraded checks of 2,000, and none when it ran
 * alone; a deploy meets neither. In the faults pass ({@code ./mvnw verify -Pfaults}): it starts a
 * service and a Redis of its own. Until the budgets asked Redis itself before calling a silence a
 * stall ({@code RedisHeartbeat}), runs degraded 0 to 307 checks of 2,000: right after start, every
 * call can be waiting for a pooled connection still being made, and Redis then has nothing to answer.
 */
@Tag("faults")
class ColdStartRateLimitIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final int CLIENTS = 64;
    private static final int CHECKS = 2_000;
    private static final int LIMIT = 500;

    @Test
    void aFreshlyStartedServiceAdmitsExactlyTheLimitOfABurstAndDegradesNothing() throws Exception {
        try (RedisServer redis = RedisServer.startOwn();
                ServiceProcess service = ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "redis", "REDIS_URL", redis.url(),
                        "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP))) {
            String key = JSON.readTree(service.send("POST", "/v1/admin/api-keys", BOOTSTRAP,
                    "{\"name\": \"burst\", \"projects\": [\"shop\"], \"scopes\": [\"rate-limits\"]}").body()).get("key").asText();
            assertThat(service.send("PUT", "/v1/rate-limit-policies/burst", BOOTSTRAP,
                    "{\"limits\": [{\"requests\": " + LIMIT + ", \"windowSeconds\": 86400}], \"failMode\": \"open\"}").statusCode())
                    .isEqualTo(201);
            HttpRequest check = HttpRequest.newBuilder(service.uri("/v1/projects/shop/rate-limits/check"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"policy\": \"burst\", \"scope\": \"ip\", \"identifier\": \"198.51.100.7\"}"))
                    .build();
            // HTTP/1.1: each client thread keeps a connection of its own alive between its checks.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            AtomicInteger left = new AtomicInteger(CHECKS);
            List<HttpResponse<String>> answers = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                running.add(clients.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        answers.add(http.send(check, HttpResponse.BodyHandlers.ofString()));
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> client : running) {
                    client.get(2, TimeUnit.MINUTES);
                }
            } finally {
                clients.shutdownNow();
            }

            long admitted = 0;
            long degraded = 0;
            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                JsonNode decision = JSON.readTree(answer.body());
                admitted += decision.get("allowed").asBoolean() ? 1 : 0;
                degraded += decision.get("degraded").asBoolean() ? 1 : 0;
            }
            String metrics = service.send("GET", "/q/metrics", null, null).body();
            System.out.printf("cold burst: %d checks by %d clients: %d admitted, %d degraded%n", answers.size(), CLIENTS, admitted,
                    degraded);
            assertThat(answers).hasSize(CHECKS);
            assertThat(degraded).as("decisions marked degraded; the service said:%n%s", warnings(service)).isZero();
            assertThat(metrics.lines().filter(line -> line.startsWith("operations_degraded_total{")
                    && line.contains("capability=\"ratelimit\"") && line.contains("operation=\"check\"")))
                    .as("degraded rate limit decisions counted").singleElement()
                    .satisfies(line -> assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isZero());
            assertThat(admitted).as("admitted: exactly the limit").isEqualTo(LIMIT);
        }
    }

    /** What the service logged at WARN or above: a degraded decision's cause is logged there, once per burst. */
    private static String warnings(ServiceProcess service) throws IOException {
        return String.join(System.lineSeparator(), service.output().lines().filter(line -> line.contains("WARN") || line.contains("ERROR")).toList());
    }
}
