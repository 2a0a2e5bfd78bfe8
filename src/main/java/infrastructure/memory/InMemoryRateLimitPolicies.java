package infrastructure.memory;

import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import io.smallrye.mutiny.Uni;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Rate limit policies stored at runtime, in process memory. */
public final class InMemoryRateLimitPolicies implements RateLimitPolicies {

    private final ConcurrentHashMap<PolicyName, RateLimitPolicy> policies = new ConcurrentHashMap<>();

    @Override
    public Uni<Optional<RateLimitPolicy>> find(PolicyName name) {
        return Uni.createFrom().item(() -> Optional.ofNullable(policies.get(name)));
    }

    @Override
    public Optional<Optional<RateLimitPolicy>> findAtOnce(PolicyName name) {
        return Optional.of(Optional.ofNullable(policies.get(name)));
    }

    @Override
    public Uni<List<RateLimitPolicy>> list() {
        return Uni.createFrom().item(() -> policies.values().stream()
                .sorted(Comparator.comparing(p -> p.name().value())).toList());
    }

    @Override
    public Uni<Void> save(RateLimitPolicy policy) {
        return Uni.createFrom().item(() -> {
            policies.put(policy.name(), policy);
            return null;
        });
    }

    @Override
    public Uni<Boolean> delete(PolicyName name) {
        return Uni.createFrom().item(() -> policies.remove(name) != null);
    }
}
