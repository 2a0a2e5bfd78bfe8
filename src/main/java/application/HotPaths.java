package application;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;

/**
 * Builds the use cases' {@link HotPath}s from what the container provides: the tracer (none while tracing is off),
 * the meters, the slow operations. Made by {@code infrastructure.config.Observability}.
 */
public class HotPaths {

    private final Tracer tracer;
    private final MeterRegistry meters;
    private final SlowOperations slow;

    /** @param tracer null for no span at all: tracing is off */
    public HotPaths(Tracer tracer, MeterRegistry meters, SlowOperations slow) {
        this.tracer = tracer;
        this.meters = meters;
        this.slow = slow;
    }

    /** The operation {@code <capability>.<operation>} under that guard. */
    HotPath of(String name, StoreGuard guard) {
        return new HotPath(name, guard, tracer, meters, slow);
    }
}
