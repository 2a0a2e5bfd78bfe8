package domain.task;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * When a failed task is tried again: exponential backoff with jitter, and how many attempts it
 * gets in all.
 *
 * <p>The delay before retry {@code n} (after the n-th attempt failed) is
 * {@code base = min(maxDelay, minDelay * 2^(n-1))}, less a jitter of up to half of it:
 * {@code base - floor(base * jitter / 2)} with {@code jitter} in [0, 1), never below
 * {@code minDelay}, in whole milliseconds. The jitter comes from the caller so that tests are
 * exact; the Redis script {@code task_fail.lua} computes the same with the same arithmetic.
 *
 * <p>Rules: minimum delay of 1 ms to 30 days, maximum delay not below it and at most 30 days,
 * 1 to 100 attempts.
 */
public record RetryPolicy(Duration minDelay, Duration maxDelay, int maxAttempts) {

    /** 1 s doubling to at most 1 h, 5 attempts. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1), 5);

    public RetryPolicy {
        if (minDelay == null || minDelay.toMillis() < 1 || minDelay.compareTo(TaskLimits.MAX_DELAY) > 0) {
            throw new InvalidValueException("minDelay", "the minimum retry delay must be between 1 ms and 30 days");
        }
        if (maxDelay == null || maxDelay.compareTo(minDelay) < 0 || maxDelay.compareTo(TaskLimits.MAX_DELAY) > 0) {
            throw new InvalidValueException("maxDelay", "the maximum retry delay must be at least the minimum and at most 30 days");
        }
        TaskLimits.attempts("maxAttempts", maxAttempts);
    }

    /** The wait before retry {@code retry} (1 for the first retry) with {@code jitter} in [0, 1). */
    public Duration delayBefore(int retry, double jitter) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, not " + retry);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), not " + jitter);
        }
        long min = minDelay.toMillis();
        long max = maxDelay.toMillis();
        // Doubles, as in the Lua mirror: 2^99 times a delay overflows a long, not a double.
        double base = Math.min((double) max, min * Math.pow(2, retry - 1));
        double jittered = base - Math.floor(base * jitter / 2);
        return Duration.ofMillis(Math.max(min, (long) jittered));
    }
}
