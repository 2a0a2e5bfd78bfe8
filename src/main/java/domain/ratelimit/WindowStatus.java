package domain.ratelimit;

import java.time.Duration;

/** How one window of a policy stands for an identifier: units still admitted, and when its count starts to fade. */
public record WindowStatus(Limit limit, long remaining, Duration reset) {
}
