package application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreUnavailableException;
import domain.project.ProjectId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A hot path's span, timer and fallback, without a container: what the interceptors gave, by plain calls. */
class HotPathTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ProjectId SHOP = ProjectId.of("shop");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    private Tracer tracer(Sampler sampler) {
        return SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()
                .get("test");
    }

    private long timed(String outcome) {
        var timer = meters.find(MeasuredInterceptor.METER).tags("capability", "cache", "operation", "read", "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void timesEachCallUnderTheOperationsTimerByOutcome() {
        HotPath read = new HotPath("cache.read", null, null, meters, null);

        read.call(SHOP, () -> Uni.createFrom().item(1), null).await().atMost(WAIT);
        assertThatThrownBy(() -> read.call(SHOP, () -> Uni.createFrom().failure(new AccessDeniedException("no")), null)
                .await().atMost(WAIT)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> read.call(SHOP, () -> Uni.createFrom().failure(new StoreUnavailableException("down", null)), null)
                .await().atMost(WAIT)).isInstanceOf(StoreUnavailableException.class);

        assertThat(timed(Outcomes.OK)).isEqualTo(1);
        assertThat(timed(Outcomes.REFUSED)).isEqualTo(1);
        assertThat(timed(Outcomes.UNAVAILABLE)).isEqualTo(1);
    }

    @Test
    void tracesASampledCallAsTheOperationsSpanWithItsProjectAndTheOutcomeTheUseCaseMarked() {
        HotPath read = new HotPath("cache.read", null, tracer(Sampler.alwaysOn()), meters, null);

        read.call(SHOP, () -> Uni.createFrom().item(1).invoke(() -> Outcomes.mark("hit")), null).await().atMost(WAIT);

        assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("cache.read");
            assertThat(span.getAttributes().get(Outcomes.OPERATION)).isEqualTo("cache.read");
            assertThat(span.getAttributes().get(Outcomes.OUTCOME)).isEqualTo("hit");
            assertThat(span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(Outcomes.PROJECT))).isEqualTo("shop");
        });
    }

    @Test
    void marksAFailedSampledCallWithItsOutcome() {
        HotPath read = new HotPath("cache.read", null, tracer(Sampler.alwaysOn()), meters, null);

        assertThatThrownBy(() -> read.call(SHOP, () -> Uni.createFrom().failure(new StoreUnavailableException("down", null)), null)
                .await().atMost(WAIT)).isInstanceOf(StoreUnavailableException.class);

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getAttributes().get(Outcomes.OUTCOME)).isEqualTo(Outcomes.UNAVAILABLE);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    }

    @Test
    void recordsNoSpanForACallSampledOutButStillTimesIt() {
        HotPath read = new HotPath("cache.read", null, tracer(Sampler.alwaysOff()), meters, null);

        read.call(SHOP, () -> Uni.createFrom().item(1), null).await().atMost(WAIT);

        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(timed(Outcomes.OK)).isEqualTo(1);
    }

    @Test
    void showsTheStoresFailureAsItIsWithoutAGuardToCountIt() {
        HotPath read = new HotPath("cache.read", null, null, meters, null);

        assertThatThrownBy(() -> read.call(SHOP, () -> Uni.createFrom().<Integer>failure(new StoreUnavailableException("down", null)),
                failure -> Uni.createFrom().item(0)).await().atMost(WAIT)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void answersAtOnceOutsideItsGuardYetInItsSpanAndTimer() {
        HotPath read = new HotPath("cache.read", refusesEverything, tracer(Sampler.alwaysOn()), meters, null);

        Span[] current = new Span[1];
        int answer = read.atOnce(SHOP, "hit", () -> {
            current[0] = Span.current();
            return 7;
        }).await().atMost(WAIT);

        assertThat(answer).isEqualTo(7);
        assertThat(timed(Outcomes.OK)).isEqualTo(1);
        assertThat(spans.getFinishedSpanItems()).singleElement()
                .satisfies(span -> assertThat(span.getAttributes().get(Outcomes.OUTCOME)).isEqualTo("hit"));
        // Its span is never made current: entering and leaving it cost more than the answer itself.
        assertThat(current[0].getSpanContext().getSpanId()).isNotEqualTo(spans.getFinishedSpanItems().get(0).getSpanId());
        assertThatThrownBy(() -> read.call(SHOP, () -> Uni.createFrom().item(1), null).await().atMost(WAIT))
                .as("the same path's store calls still go through its guard").hasMessageContaining("open");
    }

    /** A guard whose breaker is open: it refuses every call. */
    private final StoreGuard refusesEverything = new StoreGuard(support.TestBreakers.open("cache"),
            support.Budgets.of(domain.store.StorePulse.onSystemTicker(), WAIT));
}
