package domain.task;

import java.time.Instant;

/** A worker's hold on a running task: valid strictly before {@code expiresAt}. */
public record Lease(LeaseToken token, Instant expiresAt) {

    public boolean isHeldBy(LeaseToken presented) {
        return token.value().equals(presented.value());
    }

    public boolean hasExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
