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

    /** Every stored policy, by name. */
    Uni<List<RateLimitPolicy>> list();

    /** Creates or replaces the policy of that name. */
    Uni<Void> save(RateLimitPolicy policy);

    /** False when there was no stored policy of that name. */
    Uni<Boolean> delete(PolicyName name);
}
