package domain.task;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * The bounds every task and queue keeps, named once so that constructors enforce them with the
 * same words: leases, delays, attempts, batch and claim sizes.
 */
public final class TaskLimits {

    /** The shortest lease: a worker needs at least a second between heartbeats. */
    public static final Duration MIN_LEASE = Duration.ofSeconds(1);
    /** The longest lease: past 12 hours a lost worker would hold its task for too long. */
    public static final Duration MAX_LEASE = Duration.ofHours(12);
    /** The longest delay (or retry backoff) a task may wait before it becomes claimable. */
    public static final Duration MAX_DELAY = Duration.ofDays(30);
    public static final int MAX_ATTEMPTS = 100;
    /** The most tasks one claim may lease, and one batch may enqueue. */
    public static final int MAX_BATCH = 100;
    /** The most tasks one listing page may hold. */
    public static final int MAX_PAGE = 1000;
    /** The longest error a failing worker may report, in characters. */
    public static final int MAX_ERROR_LENGTH = 4096;

    private TaskLimits() {
    }

    /** Rule: a lease of 1 second to 12 hours. */
    public static Duration lease(String field, Duration lease) {
        if (lease == null || lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw new InvalidValueException(field, field + " must be between 1 second and 12 hours");
        }
        return lease;
    }

    /** Rule: a delay of 0 to 30 days. */
    public static Duration delay(String field, Duration delay) {
        if (delay == null || delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new InvalidValueException(field, field + " must be between 0 and 30 days");
        }
        return delay;
    }

    /** Rule: a page of 1 to 1000 tasks. */
    public static int page(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidValueException("limit", "limit must be between 1 and 1000");
        }
        return limit;
    }

    /** Rule: an error says what went wrong, in at most 4096 characters. */
    public static String error(String error) {
        if (error == null || error.isBlank()) {
            throw new InvalidValueException("error", "error must say what went wrong");
        }
        if (error.length() > MAX_ERROR_LENGTH) {
            throw new InvalidValueException("error", "error must be at most 4096 characters");
        }
        return error;
    }

    /** Rule: 1 to 100 attempts. */
    public static int attempts(String field, int attempts) {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new InvalidValueException(field, field + " must be between 1 and 100");
        }
        return attempts;
    }
}
