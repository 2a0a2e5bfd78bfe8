package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;

import domain.progress.ProgressChange;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import infrastructure.redis.RedisProgressRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisStoreProfile;
import support.SharedRedis;
import support.SseClient;

/** Progress over HTTP on Redis, plus what only Redis can show: delivery across instances, and fan-out. */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class ProgressApiOnRedisTest extends ProgressApiTests {

    @ConfigProperty(name = "cache-domain.redis.key-prefix")
    String prefix;

    /** Another service instance: its own Redis connections, the same Redis and key prefix. */
    private RedisProgressRepository anotherInstance() {
        return new RedisProgressRepository(RedisClients.dataSource(SharedRedis.server().url()), prefix, Clock.systemUTC(),
                new ProgressRepository.Retention(1000, Duration.ofMinutes(30)));
    }

    @Test
    void deliversToAStreamOfThisInstanceAnEventRecordedThroughAnother() {
        String id = started(5);
        SseClient.Stream stream = follow(id, worker);
        stream.next(WAIT);
        RedisProgressRepository other = anotherInstance();
        try {
            RecordOutcome outcome = other.record(ProjectId.of(project), ProgressId.of(id), new ProgressChange.Step(2, "from b"))
                    .await().atMost(WAIT);
            assertThat(outcome).isInstanceOf(RecordOutcome.Recorded.class);

            SseClient.Event event = stream.next(WAIT);

            assertThat(event.type()).isEqualTo("progress");
            assertThat(event.json().get("message").asText()).isEqualTo("from b");
            assertThat(event.json().get("step").asLong()).isEqualTo(2);
        } finally {
            stream.close();
            other.close().await().atMost(WAIT);
        }
    }

    /**
     * A ticket, asked for as a backend would: again after a 503 (the store timed out on this loaded
     * machine), which is what Retry-After invites. This test is about delivery, not latency.
     */
    private String ticketFor(String id) {
        String[] ticket = {null};
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(100)).until(() -> {
            io.restassured.response.Response issued = as(worker).post(base() + "/" + id + "/tickets");
            assertThat(issued.statusCode()).as("a ticket, or a store too busy to answer in time").isIn(201, 503);
            ticket[0] = issued.statusCode() == 201 ? issued.path("ticket") : null;
            return ticket[0] != null;
        });
        return ticket[0];
    }

    @Test
    void deliversEveryEventInOrderToEachOfAThousandSubscribers() throws Exception {
        int subscribers = 1_000;
        int steps = 20;
        String id = started(steps);
        ExecutorService opening = Executors.newFixedThreadPool(16);
        List<SseClient.Stream> streams = new ArrayList<>();
        try {
            // Each browser gets a ticket of its own from the backend and opens its stream with it, as an EventSource would.
            List<CompletableFuture<SseClient.Stream>> opened = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                opened.add(CompletableFuture.supplyAsync(() -> SseClient.open(URI.create(eventsOf(id) + "?ticket="
                        + ticketFor(id)), Map.of()), opening));
            }
            for (CompletableFuture<SseClient.Stream> stream : opened) {
                streams.add(stream.join());
            }
            for (SseClient.Stream stream : streams) {
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.next(Duration.ofSeconds(30)).type()).isEqualTo("snapshot");
            }

            for (int i = 1; i <= steps; i++) {
                step(id, "step " + i).then().statusCode(200);
            }
            complete(id).then().statusCode(200);

            List<Long> expected = LongStream.rangeClosed(2, steps + 2).boxed().toList();
            for (SseClient.Stream stream : streams) {
                List<SseClient.Event> events = stream.next(steps + 1, Duration.ofSeconds(30));
                assertThat(ids(events)).isEqualTo(expected);
                assertThat(events.get(steps).type()).isEqualTo("completed");
            }
        } finally {
            streams.forEach(SseClient.Stream::close);
            opening.shutdownNow();
        }
    }
}
