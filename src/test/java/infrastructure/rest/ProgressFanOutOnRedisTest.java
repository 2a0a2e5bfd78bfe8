package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.OwnRedisProfile;
import support.SseClient;

/**
 * One operation followed by many streams at once on a Redis of its own, each subscriber holding an
 * API key of its own as a browser would its credential (16 streams per key, the default limit):
 * every stream opens, and each receives every event once, in order. About correctness, not time.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class ProgressFanOutOnRedisTest extends ProgressApiTestsBase {

    private static final int STREAMS_PER_KEY = 16;
    private static final Duration OPENING = Duration.ofSeconds(30);

    private final List<SseClient.Stream> streams = new ArrayList<>();

    @AfterEach
    void closeTheStreams() {
        streams.forEach(SseClient.Stream::close);
        streams.clear();
    }

    /** Opens {@code n} streams of the operation at once, 16 at a time, and checks each begins with its snapshot. */
    private void open(String id, int n) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k * STREAMS_PER_KEY < n; k++) {
            keys.add(keyFor(List.of(project), "progress:read"));
        }
        ExecutorService opening = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<SseClient.Stream>> opened = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = keys.get(i / STREAMS_PER_KEY);
                opened.add(CompletableFuture.supplyAsync(() -> follow(id, key), opening));
            }
            opened.forEach(stream -> streams.add(stream.join()));
        } finally {
            opening.shutdownNow();
        }
        for (SseClient.Stream stream : streams) {
            assertThat(stream.status()).as("every stream opens").isEqualTo(200);
            SseClient.Event first = stream.next(OPENING);
            assertThat(first.type()).isEqualTo("snapshot");
            assertThat(first.sequence()).isEqualTo(1);
        }
    }

    @Test
    void deliversEveryEventOnceAndInOrderToEachOfAThousandSubscribersOfOneOperation() {
        int steps = 20;
        String id = started(steps);
        open(id, 1_000);

        for (int i = 1; i <= steps; i++) {
            step(id, "step " + i).then().statusCode(200);
        }
        complete(id).then().statusCode(200);

        List<Long> expected = LongStream.rangeClosed(2, steps + 2).boxed().toList();
        for (SseClient.Stream stream : streams) {
            List<SseClient.Event> events = stream.next(steps + 1, OPENING);
            assertThat(ids(events)).as("every event, once, in order").isEqualTo(expected);
            assertThat(events.get(steps).type()).isEqualTo("completed");
            assertThat(events.get(steps - 1).json().get("message").asText()).isEqualTo("step " + steps);
            assertThat(stream.endsWithin(OPENING)).as("nothing after the terminal event").isTrue();
        }
    }
}
