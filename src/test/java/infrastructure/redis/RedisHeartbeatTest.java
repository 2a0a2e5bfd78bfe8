package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import domain.store.StorePulse;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;

/**
 * The budgets' heartbeat on a real Redis: a PONG moves the pulse; a hung Redis leaves it standing;
 * a lost connection is replaced, so that beats are answered again once Redis is back.
 */
class RedisHeartbeatTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Beats until the pulse moves past {@code since}, or fails the test after {@link #WAIT}. */
    private static void answeredAfter(RedisHeartbeat heartbeat, StorePulse pulse, long since) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            heartbeat.beat();
            return pulse.answeredSince(since);
        });
    }

    /** A heartbeat on a Redis of its own, answered once; its steps then run with the server, the heartbeat and their pulse. */
    private interface Steps {
        void run(RedisServer own, RedisHeartbeat heartbeat, StorePulse pulse) throws Exception;
    }

    private static void withHeartbeat(Steps steps) throws Exception {
        try (RedisServer own = RedisServer.startOwn()) {
            ReactiveRedisDataSource redis = RedisClients.dataSource(own.url());
            StorePulse pulse = StorePulse.onSystemTicker();
            RedisHeartbeat heartbeat = new RedisHeartbeat(redis, pulse);
            try {
                answeredAfter(heartbeat, pulse, pulse.now());
                steps.run(own, heartbeat, pulse);
            } finally {
                heartbeat.close();
                redis.getRedis().close();
            }
        }
    }

    @Test
    void aPongMovesThePulseAndAHungRedisLeavesItStanding() throws Exception {
        withHeartbeat((own, heartbeat, pulse) -> {
            own.pause();
            long hung = pulse.now();
            for (int i = 0; i < 20; i++) {
                heartbeat.beat();
            }
            // No PONG can come from a stopped process; the PING waits for it, and one is answered once it resumes.
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !pulse.answeredSince(hung));
            own.resume();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> pulse.answeredSince(hung));
        });
    }

    @Test
    void replacesALostConnectionSoThatBeatsAreAnsweredAgain() throws Exception {
        withHeartbeat((own, heartbeat, pulse) -> {
            own.command("CLIENT KILL TYPE normal");
            answeredAfter(heartbeat, pulse, pulse.now());
        });
    }
}
