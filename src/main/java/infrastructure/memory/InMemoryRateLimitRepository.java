package infrastructure.memory;

import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate limit port in process memory: per key, two fixed-window counts per window, each key
 * checked and counted atomically in the map's compute, and forgotten two of its longest windows
 * after its last use.
 */
public final class InMemoryRateLimitRepository implements RateLimitRepository {

    private final Clock clock;
    private final ConcurrentHashMap<RateLimitKey, RateLimitCounters> counters = new ConcurrentHashMap<>();

    public InMemoryRateLimitRepository(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return Uni.createFrom().item(() -> check(key, policy, cost));
    }

    @Override
    public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
        if (most < 1) {
            throw new IllegalArgumentException("a lease asks for at least one unit");
        }
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            Grant[] result = new Grant[1];
            counters.compute(key, (k, c) -> {
                RateLimitCounters live = c == null || c.isExpiredAt(now) ? new RateLimitCounters() : c;
                result[0] = live.lease(policy, most, now);
                return live.expiresAtMillis() == 0 ? c : live;
            });
            return result[0];
        });
    }

    @Override
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            Consumption[] read = {new RateLimitCounters().check(policy, 0, now)};
            // computeIfPresent: a peek never creates a key, as Redis would not either
            counters.computeIfPresent(key, (k, c) -> {
                if (c.isExpiredAt(now)) {
                    return null;
                }
                read[0] = c.check(policy, 0, now);
                return c;
            });
            return read[0].states();
        });
    }

    @Override
    public Uni<Void> reset(RateLimitKey key) {
        return Uni.createFrom().item(() -> {
            counters.remove(key);
            return null;
        });
    }

    /** Forgets keys unused for two of their longest windows, as Redis expires them. */
    public void sweepExpired() {
        long now = clock.millis();
        counters.forEach((key, ignored) -> counters.computeIfPresent(key, (k, c) -> c.isExpiredAt(now) ? null : c));
    }

    /** Keys held now. */
    public int size() {
        return counters.size();
    }

    /**
     * Checks and counts within the map's own atomic compute for the key, so that a concurrent
     * sweep can never remove a key between its check and its count.
     */
    private Consumption check(RateLimitKey key, RateLimitPolicy policy, long cost) {
        long now = clock.millis();
        Consumption[] result = new Consumption[1];
        counters.compute(key, (k, c) -> {
            RateLimitCounters live = c == null || c.isExpiredAt(now) ? new RateLimitCounters() : c; // expired: afresh, like a key Redis let go
            result[0] = live.check(policy, cost, now);
            return live.expiresAtMillis() == 0 ? c : live; // nothing counted in a new key: keep nothing
        });
        return result[0];
    }
}
