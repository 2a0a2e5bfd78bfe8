package domain.ratelimit;

import java.util.List;

/**
 * What a store counted for a lease: how many units (0 when no window had room for one), and every
 * window's state after counting them, in the order of the policy's limits.
 */
public record Grant(long units, List<WindowState> states) {

    public Grant {
        if (units < 0) {
            throw new IllegalArgumentException("a grant counts 0 or more units");
        }
        states = List.copyOf(states);
    }
}
