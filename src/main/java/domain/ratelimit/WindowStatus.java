package domain.ratelimit;

import java.time.Duration;

/**
 * How one window of a policy stands for an identifier: units still admitted, and when its count starts to fade.
 *
 * @param limit     the policy's limit for the window, as configured
 * @param quota     the units the window admits: the limit's requests plus the policy's burst; the one
 *                  ceiling every answer reports, so that {@code remaining} never exceeds it
 * @param remaining whole units still admitted now, between 0 and {@code quota}
 * @param reset     until the current fixed window ends and its count starts to fade
 */
public record WindowStatus(Limit limit, long quota, long remaining, Duration reset) {
}
