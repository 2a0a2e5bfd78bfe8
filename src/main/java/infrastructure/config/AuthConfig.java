package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Authentication settings. */
@ConfigMapping(prefix = "cache-domain.auth")
public interface AuthConfig {

    /**
     * The bootstrap admin key (all projects, all scopes), env {@code CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY}.
     * Unset by default: the service then generates one at start and logs it once.
     */
    Optional<String> bootstrapKey();

    /**
     * How long one API key lookup (and each API key administration call) may wait for a store that
     * answers nothing at all before it counts as unavailable; while the store answers other calls it
     * waits on, up to {@code cache-domain.resilience.longest-wait}. Default 1 second.
     */
    @WithDefault("1s")
    Duration lookupTimeout();

    /**
     * While the store cannot answer, keys it confirmed at most this long ago are still accepted, so
     * that cache reads can degrade to misses instead of failing. {@code 0s} fails closed. Default 5 minutes.
     */
    @WithDefault("5m")
    Duration staleIfUnavailable();

    /** How many confirmed keys are remembered for that purpose. Default 10000. */
    @WithDefault("10000")
    int rememberedKeys();

    /**
     * The longest a key the store confirmed is held in process and answers without a store lookup,
     * while this instance hears revocation notices; a bound behind them, not the way revocation
     * works. {@code 0s} asks the store on every request. Default 60 seconds.
     */
    @WithDefault("60s")
    Duration keyCacheMaxAge();

    /** How many keys are held in process for that. Default 10000. */
    @WithDefault("10000")
    int keyCacheSize();

    /**
     * How long a secret the store said no key has is refused without asking the store again, so
     * that a client repeating a wrong key costs one lookup per this long, not one per request.
     * Safe because a key's secret is 256 fresh random bits: no secret refused before can be a key's
     * later. {@code 0s} asks the store every time. Default 5 seconds.
     */
    @WithDefault("5s")
    Duration unknownKeyMaxAge();

    /** How many such secrets (their digests) are remembered. Default 10000. */
    @WithDefault("10000")
    int unknownKeyCacheSize();
}
