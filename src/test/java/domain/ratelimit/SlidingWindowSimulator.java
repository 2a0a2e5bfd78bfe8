package domain.ratelimit;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference implementation of the sliding window counter, written from the algorithm's definition
 * alone, that the adapters are compared with: per key and window W, the counts of the fixed window
 * {@code floor(now / W)} and of the one before; a check is admitted iff every window admits it, and
 * is then counted in every window. Single-threaded by a lock; nothing expires, because counts two
 * windows old weigh nothing anyway.
 */
public final class SlidingWindowSimulator implements RateLimitRepository {

    private final Clock clock;
    private final Map<RateLimitKey, Map<Long, FixedWindows>> counters = new HashMap<>();

    public SlidingWindowSimulator(Clock clock) {
        this.clock = clock;
    }

    /** One window's two fixed-window counts, as of fixed window {@code index}. */
    private static final class FixedWindows {
        long index;
        long current;
        long previous;
    }

    /** Checks {@code cost} units now, counting them in every window if all admit them. */
    public synchronized Consumption check(RateLimitKey key, RateLimitPolicy policy, long cost) {
        long now = clock.millis();
        Map<Long, FixedWindows> windows = counters.computeIfAbsent(key, k -> new HashMap<>());
        List<WindowState> before = new ArrayList<>();
        boolean admitted = cost > 0;
        for (Limit limit : policy.limits()) {
            WindowState state = stateOf(windows.get(limit.window().millis()), limit.window(), now);
            before.add(state);
            admitted = admitted && SlidingWindow.admits(state, limit.window(), cost, policy.capacity(limit));
        }
        if (!admitted) {
            return new Consumption(false, before);
        }
        List<WindowState> after = new ArrayList<>();
        for (int i = 0; i < policy.limits().size(); i++) {
            Window window = policy.limits().get(i).window();
            WindowState state = before.get(i);
            FixedWindows fixed = new FixedWindows();
            fixed.index = Math.floorDiv(now, window.millis());
            fixed.current = state.current() + cost;
            fixed.previous = state.previous();
            windows.put(window.millis(), fixed);
            after.add(new WindowState(fixed.current, fixed.previous, state.elapsedMillis()));
        }
        return new Consumption(true, after);
    }

    private static WindowState stateOf(FixedWindows fixed, Window window, long now) {
        long index = Math.floorDiv(now, window.millis());
        long elapsed = now - index * window.millis();
        if (fixed == null || fixed.index < index - 1) {
            return WindowState.empty(elapsed);
        }
        if (fixed.index == index - 1) {
            return new WindowState(0, fixed.current, elapsed);
        }
        return new WindowState(fixed.current, fixed.previous, elapsed);
    }

    @Override
    public Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return Uni.createFrom().item(() -> check(key, policy, cost));
    }

    /** By definition: the most units, up to {@code most}, that one check would admit now, searched from the top. */
    @Override
    public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                for (long units = most; units > 0; units--) {
                    Consumption consumption = check(key, policy, units);
                    if (consumption.admitted()) {
                        return new Grant(units, consumption.states());
                    }
                }
                return new Grant(0, check(key, policy, 0).states());
            }
        });
    }

    @Override
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return Uni.createFrom().item(() -> check(key, policy, 0).states());
    }

    @Override
    public Uni<Void> reset(RateLimitKey key) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                counters.remove(key);
            }
            return null;
        });
    }
}
