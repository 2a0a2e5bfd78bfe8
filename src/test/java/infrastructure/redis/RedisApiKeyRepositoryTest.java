package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import contract.ApiKeyRepositoryContract;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ApiKeySecret;
import domain.access.ProjectAccess;
import domain.access.Scope;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.SharedRedis;

class RedisApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;

    @Override
    protected ApiKeyRepository newRepository() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisApiKeyRepository(REDIS, prefix, new ObjectMapper());
    }

    @Test
    void storesTheDigestOfASecretAndNeverTheSecret() {
        ApiKeySecret secret = ApiKeySecret.generate();
        keys.create(new ApiKey(ApiKeyName.of("k"), secret.digest(), ProjectAccess.all(), Set.of(Scope.ADMIN),
                Instant.now())).await().atMost(Duration.ofSeconds(5));

        String registry = REDIS.execute(Command.HGET, prefix + ":{ak}:n", "k").await().atMost(Duration.ofSeconds(5)).toString();
        String record = REDIS.execute(Command.GET, prefix + ":{ak}:d:" + secret.digest()).await().atMost(Duration.ofSeconds(5)).toString();

        assertThat(registry).contains(secret.digest()).doesNotContain(secret.reveal());
        assertThat(record).isEqualTo(registry);
    }
}
