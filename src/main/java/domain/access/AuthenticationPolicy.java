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
 * @param unknownKeyMaxAge   how long a digest the store said no key has is answered as unknown
 *                           without asking again; zero asks the store every time
 * @param unknownKeyCacheSize how many such digests are remembered
 */
public record AuthenticationPolicy(Duration staleIfUnavailable, int rememberedKeys, Duration keyCacheMaxAge,
        int keyCacheSize, Duration unknownKeyMaxAge, int unknownKeyCacheSize) {

    /** The unknown keys' defaults: remembered for 5 seconds, at most 10,000. */
    public static final Duration DEFAULT_UNKNOWN_KEY_MAX_AGE = Duration.ofSeconds(5);
    public static final int DEFAULT_UNKNOWN_KEY_CACHE_SIZE = 10_000;

    /** A policy with the unknown keys' defaults. */
    public AuthenticationPolicy(Duration staleIfUnavailable, int rememberedKeys, Duration keyCacheMaxAge, int keyCacheSize) {
        this(staleIfUnavailable, rememberedKeys, keyCacheMaxAge, keyCacheSize, DEFAULT_UNKNOWN_KEY_MAX_AGE,
                DEFAULT_UNKNOWN_KEY_CACHE_SIZE);
    }

    public AuthenticationPolicy {
        if (staleIfUnavailable.isNegative() || rememberedKeys < 0) {
            throw new domain.InvalidValueException("the stale window and the number of remembered keys must not be negative");
        }
        if (keyCacheMaxAge.isNegative() || keyCacheSize < 0) {
            throw new domain.InvalidValueException("the key cache's age and size must not be negative");
        }
        if (unknownKeyMaxAge.isNegative() || unknownKeyCacheSize < 0) {
            throw new domain.InvalidValueException("the unknown keys' age and number must not be negative");
        }
    }
}
