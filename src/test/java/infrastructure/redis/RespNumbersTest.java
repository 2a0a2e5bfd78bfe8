package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.SharedRedis;

/** Numbers read from the bytes of real Redis answers agree with the client's own reading, failures included. */
class RespNumbersTest {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void readsABulkReplyAsTheClientDoes() {
        for (String stored : List.of("0", "7", "-1", "1733568000123", "-1733568000123", "999999999999999999",
                "9223372036854775807", "-9223372036854775808", "00042", "+1")) {
            Response answer = stored(stored);
            assertThat(RespNumbers.toLong(answer)).as(stored).isEqualTo(answer.toLong()).isEqualTo(Long.parseLong(stored));
        }
    }

    @Test
    void readsAnIntegerReply() {
        String key = "resp-numbers:" + UUID.randomUUID();
        Response answer = REDIS.execute(Command.INCRBY, key, "-41").await().atMost(WAIT);
        assertThat(RespNumbers.toLong(answer)).isEqualTo(-41);
    }

    @Test
    void failsOnWhatIsNotANumberAsTheClientDoes() {
        for (String stored : List.of("", "-", "12a", "1.5", " 1", "9223372036854775808", "99999999999999999999")) {
            Response answer = stored(stored);
            assertThatThrownBy(() -> RespNumbers.toLong(answer)).as("'" + stored + "'").isInstanceOf(NumberFormatException.class);
            assertThatThrownBy(answer::toLong).isInstanceOf(NumberFormatException.class);
        }
    }

    /** A bulk reply holding {@code text}, as Redis gives it for GET. */
    private static Response stored(String text) {
        String key = "resp-numbers:" + UUID.randomUUID();
        REDIS.execute(Command.SET, key, text, "PX", "60000").await().atMost(WAIT);
        return REDIS.execute(Command.GET, key).await().atMost(WAIT);
    }
}
