package domain.ratelimit;

import java.util.Arrays;
import java.util.List;

/** Policies that read like sentences: {@code PolicyFixture.perMinute(10)}, {@code named("login", perHour(...))}. */
public final class PolicyFixture {

    private PolicyFixture() {
    }

    /** {@code requests} per {@code seconds}, no burst, fail open. */
    public static RateLimitPolicy per(long requests, long seconds) {
        return policy(0, Limit.of(requests, Window.ofSeconds(seconds)));
    }

    public static RateLimitPolicy perMinute(long requests) {
        return per(requests, 60);
    }

    public static RateLimitPolicy perHour(long requests) {
        return per(requests, 3_600);
    }

    /** Several limits checked together, no burst, fail open. */
    public static RateLimitPolicy policy(long burst, Limit... limits) {
        return new RateLimitPolicy(PolicyName.of("test"), Arrays.asList(limits), burst, FailMode.OPEN);
    }

    public static RateLimitPolicy withFailMode(RateLimitPolicy policy, FailMode failMode) {
        return new RateLimitPolicy(policy.name(), policy.limits(), policy.burst(), failMode);
    }

    public static RateLimitPolicy named(String name, RateLimitPolicy policy) {
        return new RateLimitPolicy(PolicyName.of(name), policy.limits(), policy.burst(), policy.failMode());
    }

    public static Limit limit(long requests, long seconds) {
        return Limit.of(requests, Window.ofSeconds(seconds));
    }

    public static List<Window> windowsOf(RateLimitPolicy policy) {
        return policy.limits().stream().map(Limit::window).toList();
    }
}
