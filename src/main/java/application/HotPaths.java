package application;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.ClientProxy;
import jakarta.inject.Singleton;

/** Builds the use cases' {@link HotPath}s from what the container provides: the tracer, the meters, the slow operations. */
@Singleton
public class HotPaths {

    private final Tracer tracer;
    private final MeterRegistry meters;
    private final SlowOperations slow;

    public HotPaths(Tracer tracer, MeterRegistry meters, SlowOperations slow) {
        // The tracer itself, not its client proxy: every hot request starts a span, and the proxy looks its bean up each time.
        this.tracer = ClientProxy.unwrap(tracer);
        this.meters = meters;
        this.slow = slow;
    }

    /** The operation {@code <capability>.<operation>} under that guard. */
    HotPath of(String name, StoreGuard guard) {
        return new HotPath(name, guard, tracer, meters, slow);
    }
}
