package infrastructure.config;

import application.OncePerBurst;
import io.quarkus.logging.LoggingFilter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Lets through one warning or error of the Redis client per logger and burst: when Redis dies, the
 * client logs one error (with a stack trace) for each pooled connection it loses, which is noise
 * next to the service's own once-per-burst lines and breaker changes. Everything below WARN, and
 * every other logger, passes untouched.
 */
@LoggingFilter(name = RedisConnectionLogFilter.NAME)
public final class RedisConnectionLogFilter implements Filter {

    static final String NAME = "redis-connection-noise";
    private static final String REDIS_CLIENT = "io.vertx.redis.client";
    private static final long PERIOD_MILLIS = 30_000;

    private final Map<String, OncePerBurst> bursts = new ConcurrentHashMap<>();

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger == null || !logger.startsWith(REDIS_CLIENT) || record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        boolean[] first = {false};
        bursts.computeIfAbsent(logger, name -> new OncePerBurst(PERIOD_MILLIS)).run(() -> first[0] = true);
        return first[0];
    }
}
