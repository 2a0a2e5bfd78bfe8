package infrastructure.config;

import application.Breaker;
import application.Breakers;
import application.CacheSettings;
import application.Guards;
import application.HotPaths;
import application.MeasuredInterceptor;
import application.SlowOperations;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.opentelemetry.api.trace.Tracer;
import io.prometheus.client.exemplars.ExemplarSampler;
import io.quarkus.arc.ClientProxy;
import io.quarkus.micrometer.runtime.export.exemplars.NoopOpenTelemetryExemplarContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryExemplarContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpentelemetryExemplarSamplerProvider;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's own meters beyond those the use cases register: latency buckets of
 * {@value MeasuredInterceptor#METER}, the state of every circuit breaker as
 * {@value #BREAKER_STATE}, the JIT compiler's time; also the settings the observability of the use cases needs.
 */
@ApplicationScoped
public class Observability {

    /** Gauge per breaker and state, 1 for the breaker's current state and 0 for the others. */
    static final String BREAKER_STATE = "breaker.state";

    /**
     * Bucket bounds of the operation latency histogram, in microseconds: from a tenth of a
     * millisecond (an operation near the HTTP floor) to the bulk timeout.
     */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(100, 250, 500, 1_000, 2_000, 5_000, 10_000, 25_000, 50_000,
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000)
            .map(micros -> Duration.ofNanos(micros * 1_000L)).toArray(Duration[]::new);

    /** The delivery lag of progress events to event streams (infrastructure.rest.SseWriter): buckets alike. */
    private static final String PROGRESS_DELIVERY = "progress.delivery";

    @Produces
    @Singleton
    MeterFilter operationLatencies() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(MeasuredInterceptor.METER) && !id.getName().equals(PROGRESS_DELIVERY)) {
                    return config;
                }
                // Buckets only: percentiles are computed by the server (histogram_quantile), across
                // instances, rather than by a sliding estimator updated on every request here.
                return DistributionStatisticConfig.builder()
                        .serviceLevelObjectives(Stream.of(LATENCY_BUCKETS).mapToDouble(Duration::toNanos).toArray())
                        .build()
                        .merge(config);
            }
        };
    }

    /**
     * HTTP server meters name a request by its route template; a request the client gave up on
     * (status {@code RESET}) is named by its raw path instead, which holds tenant data (cache keys,
     * identifiers) and multiplies series. Such requests are named {@code UNKNOWN}.
     */
    @Produces
    @Singleton
    MeterFilter routeTemplatesOnly() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return withoutRawPath(id);
            }
        };
    }

    static Meter.Id withoutRawPath(Meter.Id id) {
        if (id.getName().startsWith("http.server") && "RESET".equals(id.getTag("status")) && id.getTag("uri") != null) {
            return id.replaceTags(Tags.of(id.getTagsAsIterable()).and("uri", "UNKNOWN"));
        }
        return id;
    }

    /**
     * The exemplar sampler of the Prometheus registry: Quarkus's, which takes the current span's ids, only when
     * {@link MetricsConfig#exemplars()} asks for exemplars and traces are exported (an exemplar names a trace one can
     * look up); none otherwise, and no observation looks a span up.
     */
    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    Optional<ExemplarSampler> exemplarSampler(MetricsConfig metrics,
            @ConfigProperty(name = EnvironmentAliases.SDK_DISABLED, defaultValue = "false") boolean tracingOff) {
        return exemplars(metrics, tracingOff) ? new OpentelemetryExemplarSamplerProvider().exemplarSampler() : Optional.empty();
    }

    /**
     * How Quarkus's HTTP meters stop a request's timer: inside the request's trace context, so that an exemplar names
     * its span, only when exemplars are (as above); else at once, without attaching that context and leaving it again.
     */
    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    OpenTelemetryContextUnwrapper exemplarContext(MetricsConfig metrics,
            @ConfigProperty(name = EnvironmentAliases.SDK_DISABLED, defaultValue = "false") boolean tracingOff) {
        return exemplars(metrics, tracingOff) ? new OpenTelemetryExemplarContextUnwrapper()
                : new NoopOpenTelemetryExemplarContextUnwrapper();
    }

    /** Whether observations carry exemplars: when asked, and only while traces are exported (an exemplar names a trace). */
    private static boolean exemplars(MetricsConfig metrics, boolean tracingOff) {
        return metrics.exemplars() && !tracingOff;
    }

    /**
     * The JIT compiler's time ({@code jvm_compilation_time_ms_total}), which Quarkus does not bind:
     * a service that still compiles is slower than it will be (right after a deploy), and the
     * benchmark harness warms the service up until this stops moving.
     */
    @Produces
    @Singleton
    MeterBinder compilation() {
        return new JvmCompilationMetrics();
    }

    /**
     * The hot use cases' instrumentation. With the OpenTelemetry SDK off (no exporter is set: see
     * {@link EnvironmentAliases}), Quarkus still hands out a tracer, which records every span it starts, sampler or
     * not, for nobody: the hot paths then start none. Otherwise they use the tracer itself rather than its client
     * proxy, which would look its bean up on every request.
     */
    @Produces
    @Singleton
    HotPaths hotPaths(Tracer tracer, MeterRegistry meters, SlowOperations slow,
            @ConfigProperty(name = EnvironmentAliases.SDK_DISABLED, defaultValue = "false") boolean tracingOff) {
        return new HotPaths(tracingOff ? null : ClientProxy.unwrap(tracer), meters, slow);
    }

    @Produces
    @Singleton
    SlowOperations slowOperations(HealthConfig health, Clock clock) {
        return new SlowOperations(health.slowOperation(), clock);
    }

    @Produces
    @Singleton
    CacheSettings cacheSettings(CacheConfig cache, ResilienceConfig resilience) {
        return new CacheSettings(cache.writeFailure() == CacheConfig.WriteFailure.drop, cache.readBufferSize(),
                cache.readFlushInterval(), resilience.timeout());
    }

    void registerBreakerStates(@Observes StartupEvent start, MeterRegistry meters, Breakers breakers) {
        for (String name : Guards.BREAKERS) {
            for (Breaker.State state : Breaker.State.values()) {
                Gauge.builder(BREAKER_STATE, () -> breakers.state(name) == state ? 1 : 0)
                        .description("circuit breaker of a capability: 1 for its current state, 0 for the others")
                        .tags("breaker", name, "state", state.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .register(meters);
            }
        }
    }
}
