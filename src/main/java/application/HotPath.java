package application;

import domain.project.ProjectId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One hot use case's instrumentation, built once and applied by plain calls rather than an
 * interceptor chain: the span {@code <capability>.<operation>} (made current only when it is
 * sampled), the capability's guard, and the timer {@value MeasuredInterceptor#METER} per outcome,
 * with the names, tags, attributes and breaker accounting that {@code @WithSpan}, {@link Measured}
 * and {@link Guarded} give the other operations. bench/interceptor-cost measured the chain at
 * several microseconds of CPU per call more than this (docs/benchmarks.md).
 */
final class HotPath {

    private final String capability;
    private final String operation;
    private final String name;
    private final StoreGuard guard;
    private final Tracer tracer;
    private final MeterRegistry meters;
    private final SlowOperations slow;
    /** The timer per outcome, registered once. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param name   {@code <capability>.<operation>}, the span's name
     * @param guard  the capability's guard; null for none, and then no fallback (a use case built outside the container)
     * @param tracer null for no span
     * @param slow   null to remember no slow operation
     */
    HotPath(String name, StoreGuard guard, Tracer tracer, MeterRegistry meters, SlowOperations slow) {
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw new IllegalArgumentException("a hot path is named <capability>.<operation>: " + name);
        }
        this.capability = name.substring(0, dot);
        this.operation = name.substring(dot + 1);
        this.name = name;
        this.guard = guard;
        this.tracer = tracer;
        this.meters = meters;
        this.slow = slow;
    }

    /**
     * Runs {@code action} in the operation's span, under its guard; {@code fallback}, when not
     * null, answers the store's failures ({@link Outcomes#isStoreFailure}) once the guard has
     * counted them, as {@code @Fallback} does (and, like it, only with a guard: a use case built
     * outside the container shows the store's failures as they are). Timed from this call to the
     * answer the caller sees.
     *
     * @param project the span's {@value Outcomes#PROJECT}; null when the operation has none
     */
    <T> Uni<T> call(ProjectId project, Supplier<Uni<T>> action, Function<Throwable, Uni<T>> fallback) {
        return run(project, action, fallback, true, null);
    }

    /**
     * @param settled null for an operation whose span is made current while it runs (its adapter's spans are its
     *                children, its log lines carry its ids, and it may {@link Outcomes#mark} its outcome); else the
     *                outcome of an answer given at once, whose span is never made current: making a span current
     *                and leaving it (the context's storage, the logging context) cost more than such an answer.
     */
    private <T> Uni<T> run(ProjectId project, Supplier<Uni<T>> action, Function<Throwable, Uni<T>> fallback, boolean underGuard,
            String settled) {
        Span span = tracer == null ? Span.getInvalid()
                : tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).startSpan();
        // Sampled out (or tracing off), the span records nothing: no attribute, no scope, no end worth making.
        boolean recording = span.isRecording();
        Scope scope = null;
        if (recording) {
            span.setAttribute(Outcomes.OPERATION, name);
            span.setAttribute(Outcomes.OUTCOME, settled == null ? Outcomes.OK : settled);
            if (project != null) {
                span.setAttribute(Outcomes.PROJECT, project.value());
            }
            scope = settled == null ? span.makeCurrent() : null;
        }
        long called = System.nanoTime();
        Uni<T> answer;
        try {
            answer = underGuard ? guarded(action) : action.get();
        } catch (RuntimeException failure) {
            answer = Uni.createFrom().failure(failure);
        }
        if (fallback != null && guard != null) {
            answer = answer.onFailure(Outcomes::isStoreFailure).recoverWithUni(fallback::apply);
        }
        Scope current = scope;
        return answer.onTermination().invoke((item, failure, cancelled) -> {
            String outcome = cancelled ? Outcomes.CANCELLED : failure != null ? Outcomes.of(failure) : Outcomes.OK;
            Duration took = Duration.ofNanos(System.nanoTime() - called);
            timer(outcome).record(took);
            if (slow != null) {
                slow.record(name, took, outcome);
            }
            if (recording) {
                if (!outcome.equals(Outcomes.OK)) {
                    span.setAttribute(Outcomes.OUTCOME, outcome);
                }
                if (failure != null) {
                    span.recordException(failure);
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
                if (current != null) {
                    current.close();
                }
            }
        });
    }

    /**
     * An answer this process gives at once, without its store: in the operation's span (when
     * sampled) and timed like {@link #call}, but under no guard, since nothing can fail or hang that
     * a guard would protect. The span's outcome is {@code outcome} ({@link Outcomes#mark} has no span
     * to mark here: {@code answer} runs outside it); the timer's is {@value Outcomes#OK}.
     */
    <T> Uni<T> atOnce(ProjectId project, String outcome, Supplier<T> answer) {
        return run(project, () -> Uni.createFrom().item(answer.get()), null, false, outcome);
    }

    private <T> Uni<T> guarded(Supplier<Uni<T>> action) {
        return guard == null ? action.get() : guard.get(action);
    }

    private Timer timer(String outcome) {
        return timers.computeIfAbsent(outcome, o -> Timer.builder(MeasuredInterceptor.METER)
                .description("operations of the service's use cases, by capability, operation and outcome")
                .tags("capability", capability, "operation", operation, "outcome", o)
                .register(meters));
    }
}
