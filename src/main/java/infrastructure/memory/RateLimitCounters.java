package infrastructure.memory;

import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.Limit;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.SlidingWindow;
import domain.ratelimit.WindowState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rate limit key's counters as the stores in this process hold them while they decide: per
 * window, the index of the fixed window last counted in and its two counts, rolled forward to now
 * and decided by {@link SlidingWindow}; not thread-safe, each store guards it by its own atomic step.
 */
public final class RateLimitCounters {

    /** One window's stored counts: the fixed window {@code index} (epoch-based) and the one before it. */
    public record FixedWindows(long windowSeconds, long index, long current, long previous) {
    }

    /** window seconds -> {index, current, previous} */
    private final Map<Long, long[]> windows = new HashMap<>();
    /** 0 until something is counted. */
    private long expiresAtMillis;

    /** Counters that counted nothing yet. */
    public RateLimitCounters() {
    }

    /** Counters as a store kept them, counted last with the expiry {@code expiresAtMillis}. */
    public RateLimitCounters(List<FixedWindows> stored, long expiresAtMillis) {
        stored.forEach(w -> windows.put(w.windowSeconds(), new long[] {w.index(), w.current(), w.previous()}));
        this.expiresAtMillis = expiresAtMillis;
    }

    /** Epoch milliseconds at which the key is forgotten: two of its longest windows after it last counted; 0 before. */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public boolean isExpiredAt(long now) {
        return expiresAtMillis != 0 && expiresAtMillis <= now;
    }

    /** Each of the policy's windows as held now, in the order of its limits; what a store writes back after counting. */
    public List<FixedWindows> windowsOf(RateLimitPolicy policy) {
        List<FixedWindows> held = new ArrayList<>(policy.limits().size());
        for (Limit limit : policy.limits()) {
            long[] slot = windows.get(limit.window().seconds());
            if (slot != null) {
                held.add(new FixedWindows(limit.window().seconds(), slot[0], slot[1], slot[2]));
            }
        }
        return held;
    }

    /** Counts {@code cost} units in every window if each admits them, else in none; a cost of 0 only reads. */
    public Consumption check(RateLimitPolicy policy, long cost, long now) {
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

    /** Counts as many units as every window admits now, up to {@code most} ({@link RateLimiter#grantable}). */
    public Grant lease(RateLimitPolicy policy, long most, long now) {
        List<WindowState> states = check(policy, 0, now).states();
        long units = RateLimiter.grantable(policy, states, most);
        return units == 0 ? new Grant(0, states) : new Grant(units, check(policy, units, now).states());
    }
}
