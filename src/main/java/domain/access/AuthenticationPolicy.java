package domain.access;

import java.time.Duration;

/**
 * How API keys are checked against the store.
 *
 * @param lookupTimeout      how long one lookup may take before the store counts as unavailable
 * @param staleIfUnavailable while the store cannot answer, a key the store confirmed at most this
 *                           long ago is still accepted; zero to fail closed at once. Safe because
 *                           nobody can revoke a key while the store is down; the exposure is a key
 *                           revoked after this instance last confirmed it and before the outage.
 * @param rememberedKeys     how many confirmed keys are remembered for that purpose
 */
public record AuthenticationPolicy(Duration lookupTimeout, Duration staleIfUnavailable, int rememberedKeys) {

    public AuthenticationPolicy {
        if (lookupTimeout.isNegative() || lookupTimeout.isZero() || staleIfUnavailable.isNegative() || rememberedKeys < 0) {
            throw new domain.InvalidValueException("lookup timeout must be positive; stale window and memory not negative");
        }
    }
}
