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

        /** How each instance leases the policy's units from the store in batches. */
        Lease lease();
    }

    /**
     * Leases of the policy {@code api}: each instance counts a principal's units in the store a batch
     * at a time and spends them in process. Over-admission is bounded by instances × batch.
     */
    interface Lease {

        /**
         * The most units one lease counts; a lease also takes at most 1 % of the policy's smallest
         * capacity (60 of 6000 a minute), and at least 1, so this binds only a policy of more than
         * 100,000 per window. Default 1000: at 65,000 requests a second a lease of 100 lasted 1.5 ms, less
         * than its top-up took, and the principal's requests waited on the store every 100
         * (docs/benchmarks.md). 1 checks every request in the store.
         */
        @WithDefault("1000")
        long maxBatch();

        /** How long leased units may be spent after the store counted them. Default 1 s. */
        @WithDefault("1s")
        Duration lifetime();

        /** The longest a denial is held in process before the store is asked again (never past its retry-after). Default 1 s. */
        @WithDefault("1s")
        Duration denialHold();

        /** The most principals whose allowances an instance holds; idle ones are dropped first. Default 10000. */
        @WithDefault("10000")
        int maxPrincipals();
    }
}
