package domain.ratelimit;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The port to the store of rate limit counters: per key and window, two fixed-window counts.
 * Every key the store writes expires two of its longest windows after its last use.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface RateLimitRepository {

    /**
     * Counts {@code cost} units in every window of the policy if {@link SlidingWindow#admits} holds
     * for each, else in none; atomically, in one store operation.
     */
    Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost);

    /**
     * Counts as many units as every window admits now, up to {@code most}, in every window at once;
     * atomically, in one store operation. The grant holds the units counted: {@code most} when there
     * was room, fewer when there was less ({@link SlidingWindow#grantable}, the least over the
     * windows), 0 and nothing counted when there was none.
     */
    Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most);

    /** Every window's state now, counting nothing. */
    Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy);

    /** Forgets every count of the key. */
    Uni<Void> reset(RateLimitKey key);
}
