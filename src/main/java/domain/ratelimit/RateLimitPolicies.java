package domain.ratelimit;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The port to the policies stored at runtime. A saved or deleted policy applies to the next check
 * on every instance.
 */
public interface RateLimitPolicies {

    Uni<Optional<RateLimitPolicy>> find(PolicyName name);

    /**
     * What {@link #find} would answer, when the adapter can tell at once, without a call to its
     * store (it holds every stored policy in process): present with the policy or with empty when
     * none of that name is stored; empty when it cannot tell, and then {@link #find} answers. Never
     * blocks, never fails. Cannot tell by default.
     */
    default Optional<Optional<RateLimitPolicy>> findAtOnce(PolicyName name) {
        return Optional.empty();
    }

    /** Every stored policy, by name. */
    Uni<List<RateLimitPolicy>> list();

    /** Creates or replaces the policy of that name. */
    Uni<Void> save(RateLimitPolicy policy);

    /** False when there was no stored policy of that name. */
    Uni<Boolean> delete(PolicyName name);
}
