package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The span per Redis command, off by default (see {@link TracingTest}), comes back with
 * {@code quarkus.otel.instrument.vertx-redis-client=true}, as a child of the use case that sent it.
 */
@QuarkusTest
@TestProfile(RedisCommandSpans.On.class)
class RedisCommandSpansTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void tracesEachRedisCommandOfACacheReadWhenTurnedOn() {
        String project = freshProject();
        String key = cacheKeyFor(project);
        as(key).get("/v1/projects/" + project + "/cache/warm").then().statusCode(404);
        spans.reset();

        as(key).get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);

        SpanData read = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("cache.read")).findFirst(),
                        java.util.Optional::isPresent).get();
        Awaitility.await("a Redis command span").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spans.getFinishedSpanItems().stream().anyMatch(RedisCommandSpans::isRedisCommand));
        assertThat(spans.getFinishedSpanItems()).filteredOn(RedisCommandSpans::isRedisCommand)
                .as("the read's command, in the read's trace").anyMatch(s -> s.getTraceId().equals(read.getTraceId()));
    }

    @Test
    void makesALeaseOfThePolicyApiAChildOfTheRequestThatWaitsForIt() {
        String project = freshProject();
        String key = cacheKeyFor(project); // a new key: its first request waits for its first lease

        as(key).get("/v1/projects/" + project + "/cache/absent").then().statusCode(404);

        SpanData check = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("ratelimit.check-api")).findFirst(),
                        java.util.Optional::isPresent).get();
        Awaitility.await("the lease's command under ratelimit.check-api").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> spans.getFinishedSpanItems().stream().filter(RedisCommandSpans::isRedisCommand)
                        .anyMatch(s -> s.getParentSpanId().equals(check.getSpanId())));
    }
}
