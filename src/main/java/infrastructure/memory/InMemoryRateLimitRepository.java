package infrastructure.memory;

import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.Limit;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.SlidingWindow;
import domain.ratelimit.WindowState;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate limit port in process memory: per key, two fixed-window counts per window, each key
 * checked and counted atomically in the map's compute, and forgotten two of its longest windows
 * after its last use.
 */
public final class InMemoryRateLimitRepository implements RateLimitRepository {

    private final Clock clock;
    private final ConcurrentHashMap<RateLimitKey, Counters> counters = new ConcurrentHashMap<>();

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
                Counters live = c == null || c.isExpiredAt(now) ? new Counters() : c;
                List<WindowState> states = live.check(policy, 0, now).states();
                long units = RateLimiter.grantable(policy, states, most);
                result[0] = units == 0 ? new Grant(0, states) : new Grant(units, live.check(policy, units, now).states());
                return live.expiresAtMillis == 0 ? c : live;
            });
            return result[0];
        });
    }

    @Override
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            Consumption[] read = {new Counters().check(policy, 0, now)};
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
            Counters live = c == null || c.isExpiredAt(now) ? new Counters() : c; // expired: afresh, like a key Redis let go
            result[0] = live.check(policy, cost, now);
            return live.expiresAtMillis == 0 ? c : live; // nothing counted in a new key: keep nothing
        });
        return result[0];
    }

    /** One key's windows: window seconds -> {index, current, previous}; only touched inside the map's compute. */
    private static final class Counters {
        final Map<Long, long[]> windows = new HashMap<>();
        /** 0 until something is counted. */
        long expiresAtMillis;

        boolean isExpiredAt(long now) {
            return expiresAtMillis != 0 && expiresAtMillis <= now;
        }

        Consumption check(RateLimitPolicy policy, long cost, long now) {
            List<WindowState> states = new ArrayList<>(policy.limits().size());
            List<long[]> slots = new ArrayList<>(policy.limits().size());
            boolean admitted = cost > 0;
            for (Limit limit : policy.limits()) {
                long w = limit.window().millis();
                long index = Math.floorDiv(now, w);
                long[] slot = windows.getOrDefault(limit.window().seconds(), new long[] {Long.MIN_VALUE, 0, 0});
                long current = 0;
                long previous = 0;
                if (slot[0] == index) {
                    current = slot[1];
                    previous = slot[2];
                } else if (slot[0] == index - 1) {
                    previous = slot[1];
                }
                WindowState state = new WindowState(current, previous, now - index * w);
                admitted &= SlidingWindow.admits(state, limit.window(), cost, policy.capacity(limit));
                states.add(state);
                slots.add(new long[] {index, current, previous});
            }
            if (!admitted) {
                return new Consumption(false, states);
            }
            List<WindowState> after = new ArrayList<>(states.size());
            for (int k = 0; k < states.size(); k++) {
                long[] slot = slots.get(k);
                slot[1] += cost;
                windows.put(policy.limits().get(k).window().seconds(), slot);
                after.add(new WindowState(slot[1], slot[2], states.get(k).elapsedMillis()));
            }
            expiresAtMillis = now + 2 * policy.limits().get(policy.limits().size() - 1).window().millis();
            return new Consumption(true, after);
        }
    }
}
