package application;

import domain.ratelimit.RateLimitPolicy;
import java.time.Duration;
import java.util.List;

/**
 * What the deployment configures for rate limiting.
 *
 * @param configured   policies from configuration ({@code default}, and {@code api} when protecting the API);
 *                     a stored policy of the same name overrides one
 * @param storeTimeout the longest a check waits for the store before the policy's fail mode decides
 * @param protectApi   whether every principal's use of the API is checked against the policy {@code api}
 */
public record RateLimitSettings(List<RateLimitPolicy> configured, Duration storeTimeout, boolean protectApi) {

    public RateLimitSettings {
        configured = List.copyOf(configured);
    }
}
