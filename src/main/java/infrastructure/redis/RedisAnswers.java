package infrastructure.redis;

import domain.store.StorePulse;
import io.quarkus.redis.runtime.client.ObservableRedisMetrics;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

/**
 * Records every answer Redis gives, to any adapter, on the {@link StorePulse}, at the cost of one
 * volatile write each: the Quarkus Redis client reports each command's completion to its one
 * {@link ObservableRedisMetrics} bean (the Micrometer binder's), and this decorator sees each report
 * on its way there.
 *
 * <p>A decorator, not a second bean: two beans of that type would be ambiguous, and the client would
 * then report to neither. It needs the Micrometer Redis binder (on by default); should an upgrade or a
 * setting take that away, budgets would see no answers but their heartbeat's ({@link RedisHeartbeat}),
 * and each slow call would wait for a PING before it goes on.
 */
@Decorator
@Priority(10)
public class RedisAnswers implements ObservableRedisMetrics {

    private final ObservableRedisMetrics reported;
    private final StorePulse pulse;

    @Inject
    public RedisAnswers(@Delegate @Any ObservableRedisMetrics reported, StorePulse pulse) {
        this.reported = reported;
        this.pulse = pulse;
    }

    /** A command completed; a failure (a lost connection, or an error reply) is not counted as an answer. */
    @Override
    public void report(String client, long durationNanos, boolean succeeded) {
        if (succeeded) {
            pulse.answered();
        }
        reported.report(client, durationNanos, succeeded);
    }
}
