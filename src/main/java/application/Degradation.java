package application;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/**
 * One kind of answer the failure policy gives instead of the store's (a cache read served as a
 * miss, a rate limit decided by its fail mode, a key accepted from memory): counted in
 * {@value #METER}, marked {@code degraded} on the operation's span, and logged once per burst,
 * never once per request.
 */
final class Degradation {

    /** Counter of degraded answers; tags {@code capability}, {@code operation}. */
    static final String METER = "operations.degraded";
    private static final long LOG_PERIOD_MILLIS = 30_000;

    private final Counter counter;
    private final Logger log;
    private final String what;
    private final OncePerBurst burst = new OncePerBurst(LOG_PERIOD_MILLIS);

    /** Registers the counter at once, so that the series exists (at zero) before the first outage. */
    Degradation(MeterRegistry meters, String capability, String operation, Logger log, String what) {
        this.counter = Counter.builder(METER)
                .description("answers the failure policy gave because the store could not (fail open, miss, stale key)")
                .tags("capability", capability, "operation", operation)
                .register(meters);
        this.log = log;
        this.what = what;
    }

    void record(Throwable cause) {
        counter.increment();
        Outcomes.mark(Outcomes.DEGRADED);
        burst.run(() -> log.warnf("%s: %s (logged once per %d s while it lasts)", what, describe(cause), LOG_PERIOD_MILLIS / 1000));
    }

    long count() {
        return (long) counter.count();
    }

    private static String describe(Throwable cause) {
        return cause == null ? "store unavailable" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
