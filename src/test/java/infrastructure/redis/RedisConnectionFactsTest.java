package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisConnectionFactsTest {

    private static RedisConnectionFacts of(String... endpoints) {
        return RedisConnectionFacts.of(new RedisOptions().setEndpoints(List.of(endpoints)));
    }

    @Test
    void readsTlsThePasswordAndThePlainRemoteHostsFromTheEndpointsNeverKeepingTheSecret() {
        RedisConnectionFacts facts = of("rediss://cache-domain:s3cret@redis.internal:6380", "rediss://127.0.0.1:6381");

        assertThat(facts.tls()).contains(true);
        assertThat(facts.password()).contains(true);
        assertThat(facts.plainRemote()).isEmpty();
        assertThat(facts.toString()).doesNotContain("s3cret");
    }

    @Test
    void namesEveryPlainEndpointToAnotherHostEvenBesideATlsOne() {
        RedisConnectionFacts facts = of("rediss://a.internal:6380", "redis://10.1.2.3:6379", "redis://db:6379",
                "redis://localhost.example.com:6379", "redis://127.0.0.1:6379", "redis://[::1]:6379", "redis://[0:0:0:0:0:0:0:1]:6379",
                "redis://localhost:6379");

        assertThat(facts.tls()).contains(false);
        assertThat(facts.plainRemote()).containsExactly("10.1.2.3", "db", "localhost.example.com");
    }

    @Test
    void findsAPasswordWhereverTheClientWouldAndNoneInAUserAlone() {
        assertThat(of("redis://:pw@localhost:6379").password()).contains(true);
        assertThat(of("redis://default:pw@localhost:6379").password()).contains(true);
        assertThat(of("redis://localhost:6379?password=pw").password()).contains(true);
        assertThat(RedisConnectionFacts.of(new RedisOptions().setEndpoints(List.of("redis://localhost")).setPassword("pw")).password())
                .contains(true);
        assertThat(of("redis://user@localhost:6379").password()).contains(false);
        assertThat(of("redis://localhost:6379").password()).contains(false);
        assertThat(RedisConnectionFacts.of(null)).isEqualTo(new RedisConnectionFacts(Optional.empty(), List.of(), Optional.empty()));
    }

    @Test
    void judgesLoopbackAddressesAsWrittenWithoutALookup() {
        for (String loopback : List.of("localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "0:0:0:0:0:0:0:1", "[0:0::1]")) {
            assertThat(RedisConnectionFacts.isLoopback(loopback)).as(loopback).isTrue();
        }
        for (String other : List.of("db", "cafe", "dead", "1.2.3.4.5", "128.0.0.1", "::2", "::ffff:1", "localhost.example.com", "::")) {
            assertThat(RedisConnectionFacts.isLoopback(other)).as(other).isFalse();
        }
    }
}
