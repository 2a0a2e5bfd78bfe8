package domain.task;

import domain.InvalidValueException;
import java.time.Duration;
import java.util.Optional;

/**
 * What a worker asks for when it claims: up to {@code max} tasks, leased for {@code lease} (else
 * the queue's default lease).
 *
 * <p>Rules: max 1 to 100; a lease of 1 s to 12 h when given.
 */
public record ClaimRequest(int max, Optional<Duration> lease) {

    public ClaimRequest {
        if (max < 1 || max > TaskLimits.MAX_BATCH) {
            throw new InvalidValueException("max", "max must be between 1 and 100");
        }
        lease.ifPresent(l -> TaskLimits.lease("leaseSeconds", l));
    }

    public static ClaimRequest upTo(int max) {
        return new ClaimRequest(max, Optional.empty());
    }

    public static ClaimRequest one() {
        return upTo(1);
    }

    public ClaimRequest leasedFor(Duration lease) {
        return new ClaimRequest(max, Optional.of(lease));
    }
}
