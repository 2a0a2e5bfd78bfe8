package domain.access;

import java.time.Duration;

/**
 * How API keys are checked: how long a key the store confirmed is held in process, and what is
 * accepted while the store cannot answer (how long a lookup may take is the deployment's guard,
 * not a rule of the domain).
 *
 * @param staleIfUnavailable while the store cannot answer, a key the store confirmed at most this
 *                           long ago is still accepted; zero to fail closed at once. Safe because
 *                           nobody can revoke a key while the store is down; the exposure is a key
 *                           revoked after this instance last confirmed it and before the outage.
 * @param rememberedKeys     how many confirmed keys are remembered for that purpose
 * @param keyCacheMaxAge     the longest a key the store confirmed answers from process memory,
 *                           while revocation notices reach this instance; zero asks the store on
 *                           every request
 * @param keyCacheSize       how many keys are held in process memory for that
 */
public record AuthenticationPolicy(Duration staleIfUnavailable, int rememberedKeys, Duration keyCacheMaxAge,
        int keyCacheSize) {

    public AuthenticationPolicy {
        if (staleIfUnavailable.isNegative() || rememberedKeys < 0) {
            throw new domain.InvalidValueException("the stale window and the number of remembered keys must not be negative");
        }
        if (keyCacheMaxAge.isNegative() || keyCacheSize < 0) {
            throw new domain.InvalidValueException("the key cache's age and size must not be negative");
        }
    }
}
