package application;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times and counts every operation of a {@link Measured} use case by capability, operation and
 * outcome (the timer {@value #METER}), remembers slow ones, and marks the operation's span.
 *
 * <p>It runs inside the span ({@code @WithSpan}, priority 0) and outside fault tolerance (priority
 * 4010), so it sees what the caller sees: a timeout, an open breaker, or a fallback's answer.
 */
@Measured
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class MeasuredInterceptor {

    /** The timer of every operation; tags {@code capability}, {@code operation}, {@code outcome}. */
    public static final String METER = "operations";

    private final MeterRegistry meters;
    private final SlowOperations slow;
    private final Map<Method, Optional<Name>> names = new ConcurrentHashMap<>();
    /** Each operation's timer per outcome, registered once: registering means building an id and running every meter filter. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public MeasuredInterceptor(MeterRegistry meters, SlowOperations slow) {
        this.meters = meters;
        this.slow = slow;
    }

    /** An operation's name, from its span name {@code <capability>.<operation>}. */
    record Name(String capability, String operation) {

        static Optional<Name> of(Method method) {
            WithSpan span = method.getAnnotation(WithSpan.class);
            if (span == null || !Uni.class.isAssignableFrom(method.getReturnType())) {
                return Optional.empty();
            }
            int dot = span.value().indexOf('.');
            if (dot <= 0 || dot == span.value().length() - 1) {
                throw new IllegalStateException("a measured span is named <capability>.<operation>: " + method);
            }
            return Optional.of(new Name(span.value().substring(0, dot), span.value().substring(dot + 1)));
        }

        String full() {
            return capability + "." + operation;
        }
    }

    @AroundInvoke
    Object measure(InvocationContext invocation) throws Exception {
        Optional<Name> found = names.computeIfAbsent(invocation.getMethod(), Name::of);
        if (found.isEmpty()) {
            return invocation.proceed();
        }
        Name name = found.get();
        Span span = Span.current();
        span.setAttribute(Outcomes.OPERATION, name.full());
        span.setAttribute(Outcomes.OUTCOME, Outcomes.OK);
        long called = System.nanoTime();
        Uni<?> result;
        try {
            result = (Uni<?>) invocation.proceed();
        } catch (RuntimeException failure) {
            end(name, span, called, Outcomes.of(failure));
            throw failure;
        }
        return result.onTermination().invoke((item, failure, cancelled) -> end(name, span, called,
                cancelled ? Outcomes.CANCELLED : failure != null ? Outcomes.of(failure) : Outcomes.OK));
    }

    private void end(Name name, Span span, long called, String outcome) {
        Duration took = Duration.ofNanos(System.nanoTime() - called);
        if (!outcome.equals(Outcomes.OK)) {
            span.setAttribute(Outcomes.OUTCOME, outcome);
        }
        timers.computeIfAbsent(name.full() + '/' + outcome, key -> Timer.builder(METER)
                        .description("operations of the service's use cases, by capability, operation and outcome")
                        .tags("capability", name.capability(), "operation", name.operation(), "outcome", outcome)
                        .register(meters))
                .record(took);
        slow.record(name.full(), took, outcome);
    }
}
