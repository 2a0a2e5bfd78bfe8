package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RedisConnectionLogFilterTest {

    private final RedisConnectionLogFilter filter = new RedisConnectionLogFilter();

    private static LogRecord record(String logger, Level level) {
        LogRecord record = new LogRecord(level, "Unhandled Error");
        record.setLoggerName(logger);
        return record;
    }

    @Test
    void letsOneErrorOfTheRedisClientThroughPerBurst() {
        String manager = "io.vertx.redis.client.impl.RedisConnectionManager";

        assertThat(filter.isLoggable(record(manager, Level.SEVERE))).isTrue();
        assertThat(filter.isLoggable(record(manager, Level.SEVERE))).isFalse();
        assertThat(filter.isLoggable(record(manager, Level.WARNING))).isFalse();
    }

    @Test
    void countsEachLoggerOfTheClientApart() {
        assertThat(filter.isLoggable(record("io.vertx.redis.client.impl.RedisConnectionManager", Level.SEVERE))).isTrue();
        assertThat(filter.isLoggable(record("io.vertx.redis.client.impl.RedisStandaloneConnection", Level.WARNING))).isTrue();
    }

    @Test
    void leavesEverythingElseAlone() {
        String manager = "io.vertx.redis.client.impl.RedisConnectionManager";
        filter.isLoggable(record(manager, Level.SEVERE));

        assertThat(filter.isLoggable(record(manager, Level.INFO))).isTrue();
        assertThat(filter.isLoggable(record("application.CacheService", Level.WARNING))).isTrue();
        assertThat(filter.isLoggable(record("application.CacheService", Level.WARNING))).isTrue();
    }
}
