package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import domain.StoreBusyException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.SharedRedis;

/**
 * A batch's failure read back as its command's own: a Redis error stays one, a lost connection never reads as an answer;
 * a call the client's pool had no room to queue reads as this instance's load.
 */
class RedisFailuresTest {

    @Test
    void givesBackTheRedisErrorOfTheFirstCommandThatFailed() {
        Throwable own = RedisFailures.ownError(ErrorType.create("ERR [0] NOSCRIPT No matching script. Please use EVAL.\nERR [1] x"));

        assertThat(own).isInstanceOf(ErrorType.class);
        assertThat(((ErrorType) own).is("NOSCRIPT")).isTrue();
        assertThat(((ErrorType) RedisFailures.ownError(ErrorType.create("ERR [1] MOVED 3999 127.0.0.1:7001"))).is("MOVED")).isTrue();
    }

    @Test
    void putsBackTheErrPrefixTheClientTookOff() {
        Throwable own = RedisFailures.ownError(ErrorType.create("ERR [0] wrong number of arguments for 'get' command"));

        assertThat(own).isInstanceOf(ErrorType.class).hasMessage("ERR wrong number of arguments for 'get' command");
    }

    @Test
    void readsAConnectionLostUnderTheBatchAsNoAnswer() {
        assertThat(RedisFailures.ownError(ErrorType.create(
                "ERR [0] io.netty.channel.unix.Errors$NativeIoException: recvAddress(..) failed: Connection reset by peer")))
                .isInstanceOf(IOException.class);
        assertThat(RedisFailures.ownError(ErrorType.create("ERR [0] CONNECTION_CLOSED"))).isInstanceOf(IOException.class);
    }

    @Test
    void leavesAnyOtherFailureAsItIs() {
        ErrorType single = ErrorType.create("NOSCRIPT No matching script");
        IllegalStateException local = new IllegalStateException("pool full");

        assertThat(RedisFailures.ownError(single)).isSameAs(single);
        assertThat(RedisFailures.ownError(local)).isSameAs(local);
    }

    @Test
    void readsACallThePoolHadNoRoomToQueueAsThisInstancesLoadNotAsADeadStore() {
        // One connection, no room to wait for it: the second of two calls at once is refused by the pool, not by Redis.
        // The pool alone: shared connections would hold its one connection themselves (RedisSharedConnections).
        Redis pool = Redis.createClient(RedisClients.vertx(), new RedisOptions()
                .setConnectionString(SharedRedis.server().url()).setMaxPoolSize(1).setMaxPoolWaiting(0));
        ReactiveRedisDataSource redis = new ReactiveRedisDataSourceImpl(RedisClients.vertx(), pool, RedisAPI.api(pool));
        try {
            List<Throwable> failures = Uni.join().all(IntStream.range(0, 8)
                            .mapToObj(i -> redis.execute("PING").onFailure().transform(RedisFailures::translate)
                                    .map(answered -> (Throwable) null).onFailure().recoverWithItem(failure -> failure))
                            .toList())
                    .andCollectFailures().await().atMost(Duration.ofSeconds(10));

            assertThat(failures).filteredOn(failure -> failure != null).isNotEmpty()
                    .allSatisfy(failure -> assertThat(failure).isInstanceOf(StoreBusyException.class)
                            .hasMessageContaining("quarkus.redis.max-pool-waiting"));
            assertThat(failures).as("the call that got the connection was answered").contains((Throwable) null);
        } finally {
            redis.getRedis().close();
        }
    }
}
