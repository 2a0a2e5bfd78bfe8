package infrastructure.memory;

import contract.RateLimitPoliciesContract;
import domain.ratelimit.RateLimitPolicies;

/** The in-process policy store against the contract. */
class InMemoryRateLimitPoliciesTest extends RateLimitPoliciesContract {

    @Override
    protected RateLimitPolicies newPolicies() {
        return new InMemoryRateLimitPolicies();
    }
}
