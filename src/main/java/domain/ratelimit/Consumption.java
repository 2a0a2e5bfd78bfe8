package domain.ratelimit;

import java.util.List;

/**
 * What a store did with a check: whether it counted the units, and every window's state after
 * (as before, when it did not), in the order of the policy's limits.
 */
public record Consumption(boolean admitted, List<WindowState> states) {

    public Consumption {
        states = List.copyOf(states);
    }
}
