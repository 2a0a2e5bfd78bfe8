package domain.ratelimit;

import contract.RateLimitRepositoryContract;
import support.MutableClock;

/**
 * The reference implementation against the contract: the sliding, burst and cost scenarios with an
 * injected clock, proven on the algorithm itself before any store is held to them.
 */
class SlidingWindowSimulatorTest extends RateLimitRepositoryContract {

    @Override
    protected RateLimitRepository newRepository(MutableClock clock) {
        return new SlidingWindowSimulator(clock);
    }
}
