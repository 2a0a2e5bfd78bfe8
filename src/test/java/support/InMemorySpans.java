package support;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Collects the spans the service exports, in memory, for tests to read (inject
 * {@code InMemorySpanExporter}). Only {@link TracingProfile} turns tracing on; elsewhere the SDK is
 * off and this exporter receives nothing.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
