package domain.task;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * How one queue of a project treats its tasks: retries and backoff, the lease a claim gets when
 * it names none, how many tasks may wait at once, and how long dead letters are kept.
 *
 * <p>Rules: the default lease within 1 s to 12 h; 1 to 10,000,000 waiting tasks; dead letters kept
 * 1 s to 365 days.
 */
public record QueueSettings(RetryPolicy retry, Duration defaultLease, long maxQueued, Duration deadLetterRetention) {

    public static final long MAX_QUEUED_LIMIT = 10_000_000;
    public static final Duration MAX_DEAD_LETTER_RETENTION = Duration.ofDays(365);

    /** 5 attempts backing off from 1 s to 1 h, 30 s leases, 100,000 waiting tasks, dead letters kept 7 days. */
    public static final QueueSettings DEFAULT =
            new QueueSettings(RetryPolicy.DEFAULT, Duration.ofSeconds(30), 100_000, Duration.ofDays(7));

    public QueueSettings {
        if (retry == null) {
            throw new InvalidValueException("retry", "a queue needs a retry policy");
        }
        TaskLimits.lease("defaultLeaseSeconds", defaultLease);
        if (maxQueued < 1 || maxQueued > MAX_QUEUED_LIMIT) {
            throw new InvalidValueException("maxQueued", "maxQueued must be between 1 and 10000000");
        }
        if (deadLetterRetention == null || deadLetterRetention.compareTo(Duration.ofSeconds(1)) < 0
                || deadLetterRetention.compareTo(MAX_DEAD_LETTER_RETENTION) > 0) {
            throw new InvalidValueException("deadLetterRetention", "dead letters must be kept between 1 second and 365 days");
        }
    }

    public QueueSettings withRetry(RetryPolicy retry) {
        return new QueueSettings(retry, defaultLease, maxQueued, deadLetterRetention);
    }

    public QueueSettings withDefaultLease(Duration lease) {
        return new QueueSettings(retry, lease, maxQueued, deadLetterRetention);
    }

    public QueueSettings withMaxQueued(long max) {
        return new QueueSettings(retry, defaultLease, max, deadLetterRetention);
    }

    public QueueSettings withDeadLetterRetention(Duration retention) {
        return new QueueSettings(retry, defaultLease, maxQueued, retention);
    }
}
