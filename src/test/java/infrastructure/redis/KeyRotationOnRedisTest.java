package infrastructure.redis;

import contract.KeyRotationContract;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import infrastructure.values.ValueCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import support.RedisClients;
import support.SharedRedis;

/** Key rotation on Redis. */
class KeyRotationOnRedisTest extends KeyRotationContract {

    private final ReactiveRedisDataSource redis = RedisClients.dataSource(SharedRedis.server().url());
    private String prefix;

    @Override
    protected void openStore() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    protected ProjectKeysets keysets() {
        return new RedisProjectKeysets(redis, prefix);
    }

    @Override
    protected CacheRepository cacheOn(ValueCodec values) {
        return new RedisCacheRepository(redis, prefix, Clock.systemUTC(), Duration.ofDays(31), values);
    }

    @Override
    protected byte[] storedValue(CacheRepository cache, ProjectId project, String key) {
        return redis.getRedis().send(Request.cmd(Command.HGET).arg(new RedisKeys(prefix).entry(project, key)).arg("v"))
                .await().atMost(Duration.ofSeconds(10)).toBytes();
    }
}
