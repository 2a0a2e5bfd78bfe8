package application;

import domain.InvalidValueException;
import domain.StoreUnavailableException;
import domain.cache.ValueTooLargeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The outcome of an operation as metrics and spans name it. Every operation ends in one of
 * {@link #OK}, {@link #REFUSED} (the caller's mistake: 4xx), {@link #UNAVAILABLE} (the store did not
 * answer in time, failed, or its breaker is open: 503) or {@link #FAILED} (a fault of the service:
 * 500); a use case may name a successful outcome more precisely on its span ({@code hit},
 * {@code miss}, {@code allowed}, {@code denied}, {@code degraded}).
 */
public final class Outcomes {

    /** Span attribute: the operation, e.g. {@code cache.read}. */
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
    /** Span attribute: how the operation ended. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    /** Span attribute: the project the operation acted on. */
    public static final String PROJECT = "project.id";

    public static final String OK = "ok";
    public static final String REFUSED = "refused";
    public static final String UNAVAILABLE = "unavailable";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String DEGRADED = "degraded";

    private Outcomes() {
    }

    /** The outcome a failure stands for. */
    public static String of(Throwable failure) {
        if (isStoreFailure(failure)) {
            return UNAVAILABLE;
        }
        if (failure instanceof InvalidValueException || failure instanceof ValueTooLargeException
                || failure instanceof AccessDeniedException || failure instanceof NoSuchObjectException
                || failure instanceof ConflictException || failure instanceof NameTakenException
                || failure instanceof UnauthenticatedException || failure instanceof LeaseLostException
                || failure instanceof QueueFullException || failure instanceof TooManyLongPollsException
                || failure instanceof TooManyStreamsException) {
            return REFUSED;
        }
        return FAILED;
    }

    /** True for a failure of the store, not of the caller or the service: the failure policy applies. */
    public static boolean isStoreFailure(Throwable failure) {
        return failure instanceof StoreUnavailableException || failure instanceof TimeoutException
                || failure instanceof CircuitBreakerOpenException;
    }

    /** Names the outcome of the operation whose span is current, more precisely than {@link #OK}. */
    static void mark(String outcome) {
        Span.current().setAttribute(OUTCOME, outcome);
    }
}
