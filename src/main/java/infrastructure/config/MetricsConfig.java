package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the metrics at {@code /q/metrics} carry beyond their samples. */
@ConfigMapping(prefix = "cache-domain.metrics")
public interface MetricsConfig {

    /**
     * Whether histogram buckets carry exemplars (the trace and span of a sampled request that fell in the bucket),
     * shown to a Prometheus that scrapes in the OpenMetrics format with exemplar storage on; only while traces are
     * exported (an OTLP endpoint is set), since an exemplar names a trace to look up. With them, every
     * observation of every histogram and timer looks the current span up, and each HTTP request's timer is stopped
     * inside the request's trace context: a cost on every request, for a link few deployments read. Default false.
     */
    @WithDefault("false")
    boolean exemplars();
}
