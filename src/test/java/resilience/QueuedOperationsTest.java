package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import support.Metrics;
import support.OwnRedisProfile;
import support.Tenant;

/**
 * A burst of operations much larger than this process serves at once waits, in its own queues, longer
 * than the capability's timeout, yet none fails: the store answered all along, so the delay is the
 * process's own and no timeout passes it off as a dead store. A plain timeout of that length failed
 * many of them, and opened the cache breaker.
 */
@QuarkusTest
@TestProfile(QueuedOperationsTest.ShortTimeout.class)
class QueuedOperationsTest {

    private static final int REQUESTS = 1_000;
    private static final String VALUE = "\"" + "v".repeat(4 * 1024) + "\"";

    /** A timeout far shorter than the time the burst queues in the service. */
    public static class ShortTimeout extends OwnRedisProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> settings = new HashMap<>(super.getConfigOverrides());
            settings.put("cache-domain.resilience.timeout", "100ms");
            settings.put("cache-domain.resilience.longest-wait", "30s");
            return settings;
        }
    }

    @Test
    void operationsQueuedBehindOthersOutwaitTheTimeoutWhileTheStoreAnswers() {
        Tenant tenant = Tenant.withEveryCapability();
        Duration timeout = ConfigProvider.getConfig().getValue("cache-domain.resilience.timeout", Duration.class);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<Answer>> sent = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            URI entry = URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + tenant.project + "/cache/queued-" + i);
            // Writes go through a hot path's guard; removals, of keys never written, through the interceptor's.
            HttpRequest request = (i % 2 == 0
                    ? HttpRequest.newBuilder(entry).PUT(HttpRequest.BodyPublishers.ofString("{\"value\": " + VALUE + "}"))
                            .header("Content-Type", "application/json")
                    : HttpRequest.newBuilder(entry).DELETE())
                    .header("Authorization", "Bearer " + tenant.cacheKey).timeout(Duration.ofSeconds(60)).build();
            long start = System.nanoTime();
            sent.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> new Answer(response.statusCode(), (System.nanoTime() - start) / 1_000_000, response.body())));
        }
        List<Answer> answers = sent.stream().map(CompletableFuture::join).toList();

        Map<Integer, Long> statuses = answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
        long slowest = answers.stream().mapToLong(Answer::millis).max().orElse(0);
        System.out.printf("%d operations at once: statuses %s, slowest %d ms (timeout %d ms)%n", answers.size(), statuses,
                slowest, timeout.toMillis());
        answers.stream().filter(a -> a.status() >= 500).map(Answer::body).distinct().limit(5).forEach(System.out::println);
        assertThat(slowest).as("operations waited longer than the timeout").isGreaterThan(timeout.toMillis() * 3);
        assertThat(statuses).as("every write and removal succeeded").containsOnlyKeys(201, 204);
        assertThat(Metrics.scrape().value("breaker_state", "breaker", "cache", "state", "closed")).isEqualTo(1.0);
    }

    private record Answer(int status, long millis, String body) {
    }
}
