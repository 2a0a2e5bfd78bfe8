package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request span of a request the sampler leaves out: nothing recorded, no attribute read, yet
 * current for the whole request, so that its use cases' spans are left out with it rather than
 * sampled as traces of their own. (TracingTest shows the sampled spans, in the service.)
 */
class RequestSpansTest {

    /** Leaves every request span out, keeps every other root span: an orphaned use case span would be recorded. */
    private static final class LeavesRequestsOut implements Sampler {

        final AtomicInteger attributesSeen = new AtomicInteger();

        @Override
        public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
                List<LinkData> links) {
            attributesSeen.addAndGet(attributes.size());
            return kind == SpanKind.SERVER ? SamplingResult.drop() : SamplingResult.recordAndSample();
        }

        @Override
        public String getDescription() {
            return "leaves request spans out";
        }
    }

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final LeavesRequestsOut roots = new LeavesRequestsOut();
    private final OpenTelemetrySdk telemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.parentBased(roots))
                    .addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final Tracer tracer = telemetry.getTracer("test");
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void aServerWithRequestSpans() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new RequestSpans(telemetry, tracer, false, false, "q").install(router);
        router.get("/v1/work").handler(routing -> {
            Span request = Span.current();
            Span useCase = tracer.spanBuilder("cache.read").startSpan();
            useCase.end();
            routing.response().end(request.getSpanContext().getTraceId() + " " + request.getSpanContext().isSampled());
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        telemetry.close();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.actualPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    @Test
    void keepsASampledOutRequestsSpanCurrentSoThatItsUseCasesAreLeftOutWithIt() throws Exception {
        String[] seen = get("/v1/work").split(" ");

        assertThat(seen[0]).as("the request's trace id, for its log lines").matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(seen[1]).as("sampled").isEqualTo("false");
        assertThat(exported.getFinishedSpanItems()).as("no span of the request, nor of its use case").isEmpty();
        assertThat(roots.attributesSeen).as("the sampler decided before any attribute was read").hasValue(0);
    }

    @Test
    void givesEachRequestATraceOfItsOwn() throws Exception {
        String first = get("/v1/work").split(" ")[0];
        String second = get("/v1/work").split(" ")[0];

        assertThat(first).isNotEqualTo(second);
    }
}
