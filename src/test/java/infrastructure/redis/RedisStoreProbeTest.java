package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import contract.StoreProbeContract;
import domain.StoreUnavailableException;
import domain.store.SlowCommand;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;

/** The probe against a redis-server of its own, whose slow log and memory settings it may change. */
class RedisStoreProbeTest extends StoreProbeContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected StoreProbe newProbe() {
        return new RedisStoreProbe(RedisClients.dataSource(redis.url()), Duration.ofSeconds(1));
    }

    @Test
    void readsTheVersionMemoryLimitAndEvictionPolicyFromInfo() throws Exception {
        redis.command("CONFIG SET maxmemory 2gb");
        redis.command("CONFIG SET maxmemory-policy volatile-lru");
        try {
            StoreStatus status = probed();

            assertThat(status.version()).hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+.*"));
            assertThat(status.maxBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
            assertThat(status.eviction().name()).isEqualTo("volatile-lru");
            assertThat(status.warnings()).singleElement().asString().contains("sessions");
        } finally {
            redis.command("CONFIG SET maxmemory 0");
            redis.command("CONFIG SET maxmemory-policy noeviction");
        }
    }

    @Test
    void reportsSlowCommandsByNameOnlyNewestFirst() throws Exception {
        redis.command("SLOWLOG RESET");
        redis.command("CONFIG SET slowlog-log-slower-than 0");
        try {
            redis.command("SET tenant-secret-key tenant-secret-value");
        } finally {
            redis.command("CONFIG SET slowlog-log-slower-than 10000");
        }

        StoreStatus status = probed();

        assertThat(status.slowlogLength()).isPositive();
        assertThat(status.slowCommands()).extracting(SlowCommand::command).contains("SET")
                .noneMatch(c -> c.contains("tenant-secret"));
        assertThat(status.slowCommands()).hasSizeLessThanOrEqualTo(RedisStoreProbe.SLOW_COMMANDS);
    }

    @Test
    void failsAsUnavailableWhenRedisCannotBeReached() {
        StoreProbe nowhere = new RedisStoreProbe(RedisClients.dataSource("redis://127.0.0.1:1"), Duration.ofSeconds(1));

        assertThatThrownBy(() -> nowhere.probe().await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void givesUpAfterItsTimeoutWhenRedisHangs() {
        redis.pause();
        try {
            StoreProbe probe = new RedisStoreProbe(RedisClients.dataSource(redis.url()), Duration.ofMillis(200));
            assertThatThrownBy(() -> probe.probe().await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("in time");
        } finally {
            redis.resume();
        }
    }
}
