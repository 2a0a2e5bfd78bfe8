package infrastructure.redis;

import contract.ValuesAtRestContract;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import infrastructure.values.ValueCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import support.RedisClients;
import support.SharedRedis;

/** The value chain on Redis: what Redis holds, read back key by key with the binary-safe commands of each type. */
class ValuesAtRestOnRedisTest extends ValuesAtRestContract {

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
    protected byte[] storedValue(ProjectId project, String key) {
        return send(Request.cmd(Command.HGET).arg(new RedisKeys(prefix).entry(project, key)).arg("v")).toBytes();
    }

    @Override
    protected void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        send(Request.cmd(Command.HSET).arg(new RedisKeys(prefix).entry(project, key)).arg("v").arg(stored));
    }

    @Override
    protected boolean storeContains(byte[] needle) {
        List<byte[]> kept = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + ":*").arg("COUNT").arg(1000));
            cursor = page.get(0).toString();
            for (Response name : page.get(1)) {
                String key = name.toString();
                kept.add(key.getBytes(StandardCharsets.UTF_8));
                String type = send(Request.cmd(Command.TYPE).arg(key)).toString();
                switch (type) {
                    case "hash" -> {
                        for (Response field : send(Request.cmd(Command.HKEYS).arg(key))) {
                            kept.add(field.toBytes());
                            kept.add(send(Request.cmd(Command.HGET).arg(key).arg(field.toBytes())).toBytes());
                        }
                    }
                    case "zset" -> send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1)).forEach(member -> kept.add(member.toBytes()));
                    case "string" -> kept.add(send(Request.cmd(Command.GET).arg(key)).toBytes());
                    default -> throw new AssertionError("a key of a type this scan does not read: " + type + " " + key);
                }
            }
        } while (!cursor.equals("0"));
        return contains(concat(kept), needle);
    }

    private Response send(Request request) {
        return redis.getRedis().send(request).await().atMost(Duration.ofSeconds(10));
    }
}
