package application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.opentelemetry.api.trace.Span;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With no trace exporter set (this profile's default), the SDK is off and Quarkus's tracer would still record every
 * span it starts, for nobody: a hot use case starts none.
 */
@QuarkusTest
class HotPathsWithoutAnExporterTest {

    @Inject
    HotPaths hotPaths;

    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean tracingOff;

    @Test
    void recordsNoSpanForAHotUseCase() {
        assumeTrue(tracingOff, "an OTLP endpoint is set in this environment (OTEL_EXPORTER_OTLP_ENDPOINT): tracing is on");
        for (int i = 0; i < 50; i++) {
            boolean recording = hotPaths.of("cache.read", null)
                    .call(null, () -> Uni.createFrom().item(() -> Span.current().isRecording()), null)
                    .await().indefinitely();

            assertThat(recording).as("call %d", i).isFalse();
        }
    }
}
