package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Rate limiting: the configured policies, and how long a check may wait for the store. */
@ConfigMapping(prefix = "cache-domain.rate-limits")
public interface RateLimitConfig {

    /** Requests per window of the policy {@code default}. Default 100; alias {@code RATE_LIMIT_DEFAULT_REQUESTS}. */
    @WithDefault("100")
    long defaultRequests();

    /** Window of the policy {@code default}, in seconds. Default 3600; alias {@code RATE_LIMIT_DEFAULT_WINDOW}. */
    @WithDefault("3600")
    long defaultWindow();

    /** The longest a check waits for the store before its policy's fail mode decides. Default 50 ms. */
    @WithDefault("50ms")
    Duration storeTimeout();

    /** The policy {@code api}, which limits every principal's use of the service's own API. */
    Api api();

    /** Settings of the policy {@code api}. */
    interface Api {

        /** Whether the service limits its own API. Default true. */
        @WithDefault("true")
        boolean enabled();

        /** Requests per principal per minute. Default 6000. */
        @WithDefault("6000")
        long perMinute();

        /** Requests per principal per hour. Default 200000. */
        @WithDefault("200000")
        long perHour();
    }
}
