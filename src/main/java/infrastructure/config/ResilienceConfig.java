package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long store calls may take and when a capability's circuit breaker opens. API key lookups and
 * rate limit checks have their own, shorter bounds ({@link AuthConfig#lookupTimeout()},
 * {@link RateLimitConfig#storeTimeout()}).
 */
@ConfigMapping(prefix = "cache-domain.resilience")
public interface ResilienceConfig {

    /**
     * How long one operation of the cache, sessions, progress, tasks and rate limit administration
     * waits for a store that answers nothing at all before it fails (or degrades, per the capability's
     * failure policy). While the store answers other calls, the delay is this process's own (a busy
     * event loop, a garbage collection pause, a cold JIT), and the operation waits on, up to
     * {@link #longestWait()}. Default 1 second.
     */
    @WithDefault("1s")
    Duration timeout();

    /**
     * The longest one operation waits in any case, even while its store keeps answering other calls
     * (a timeout longer than this is its own cap). Default 5 seconds.
     */
    @WithDefault("5s")
    Duration longestWait();

    /**
     * The longest a bulk operation (invalidate, clear a project, revoke all of a user's sessions)
     * may take: it is many store calls. Default 30 seconds.
     */
    @WithDefault("30s")
    Duration bulkTimeout();

    /**
     * The longest one store call of an open event stream may take (a catch-up, a stall check, a
     * check of its credential). Past it the stream closes and the browser reconnects and resumes: a
     * hung store never freezes a stream silently. Default 5 seconds.
     */
    @WithDefault("5s")
    Duration streamTimeout();

    /** The circuit breaker of each capability. */
    Breaker breaker();

    /** One circuit breaker per capability: it opens on store failures, never on a caller's mistakes. */
    interface Breaker {

        /** Calls in the rolling window the failure ratio is computed over. Default 20. */
        @WithDefault("20")
        int requestVolume();

        /** The share of failed calls in the window that opens the breaker. Default 0.5. */
        @WithDefault("0.5")
        double failureRatio();

        /**
         * How long an open breaker refuses calls before one trial call may pass. Kept short: a breaker
         * can open just as the store returns (calls that timed out a moment before), and the
         * capability then serves again only after this delay. A trial against a dead store costs one
         * refused connection. Default 500 ms.
         */
        @WithDefault("500ms")
        Duration delay();

        /** Successful trial calls that close a half-open breaker. Default 1. */
        @WithDefault("1")
        int successThreshold();
    }
}
