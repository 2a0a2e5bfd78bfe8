package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A batch's failure read back as its command's own: a Redis error stays one, a lost connection never reads as an answer. */
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
}
