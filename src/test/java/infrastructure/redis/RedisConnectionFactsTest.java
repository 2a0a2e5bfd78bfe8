package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import domain.store.StoreSecurity;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisConnectionFactsTest {

    @Test
    void readsTlsTheUserAndTheRemoteHostsFromTheEndpointsNeverKeepingTheSecret() {
        RedisConnectionFacts facts = RedisConnectionFacts.of(new RedisOptions()
                .setEndpoints(List.of("rediss://cache-domain:s3cret@redis.internal:6380", "rediss://127.0.0.1:6381")));

        assertThat(facts.tls()).contains(true);
        assertThat(facts.auth()).isEqualTo(StoreSecurity.Auth.ACL_USER);
        assertThat(facts.remoteHosts()).containsExactly("redis.internal");
        assertThat(facts.toString()).doesNotContain("s3cret");
    }

    @Test
    void tellsAPasswordAloneAndAPlainLoopbackConnection() {
        assertThat(RedisConnectionFacts.of(new RedisOptions().setEndpoints(List.of("redis://:pw@localhost:6379"))))
                .isEqualTo(new RedisConnectionFacts(java.util.Optional.of(false), List.of(), StoreSecurity.Auth.PASSWORD));
        assertThat(RedisConnectionFacts.of(new RedisOptions().setEndpoints(List.of("redis://[::1]:6379")).setPassword("pw")).auth())
                .isEqualTo(StoreSecurity.Auth.PASSWORD);
        assertThat(RedisConnectionFacts.of(new RedisOptions().setEndpoints(List.of("redis://10.1.2.3:6379"))))
                .isEqualTo(new RedisConnectionFacts(java.util.Optional.of(false), List.of("10.1.2.3"), StoreSecurity.Auth.NONE));
        assertThat(RedisConnectionFacts.of(null)).isEqualTo(RedisConnectionFacts.UNKNOWN);
    }
}
