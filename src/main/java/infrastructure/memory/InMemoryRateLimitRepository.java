package infrastructure.memory;

import domain.ratelimit.Consumption;
import domain.ratelimit.Limit;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
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
 * guarded by its own lock and forgotten two of its longest windows after its last use.
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
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return Uni.createFrom().item(() -> check(key, policy, 0).states());
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
        counters.values().removeIf(c -> {
            synchronized (c) {
                return c.expiresAtMillis <= now;
            }
        });
    }

    /** Keys held now. */
    public int size() {
        return counters.size();
    }

    private Consumption check(RateLimitKey key, RateLimitPolicy policy, long cost) {
        long now = clock.millis();
        while (true) {
            Counters c = counters.computeIfAbsent(key, k -> new Counters());
            synchronized (c) {
                if (c.expiresAtMillis != 0 && c.expiresAtMillis <= now) {
                    counters.remove(key, c);
                    continue; // expired: start afresh, like a key Redis let go
                }
                return c.check(policy, cost, now);
            }
        }
    }

    /** One key's windows: window seconds -> {index, current, previous}; guarded by its monitor. */
    private static final class Counters {
        final Map<Long, long[]> windows = new HashMap<>();
        long expiresAtMillis;

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
