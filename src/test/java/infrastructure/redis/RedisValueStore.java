package infrastructure.redis;

import contract.ValueStore;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import infrastructure.values.SealedSessionRepository;
import infrastructure.values.ValueCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import support.RedisClients;
import support.SharedRedis;

/** The shared Redis under a prefix of its own, read back key by key with the binary-safe commands of each type. */
final class RedisValueStore implements ValueStore {

    private final ReactiveRedisDataSource redis = RedisClients.dataSource(SharedRedis.server().url());
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public ProjectKeysets keysets() {
        return new RedisProjectKeysets(redis, prefix);
    }

    @Override
    public CacheRepository cacheOn(ValueCodec values) {
        return new RedisCacheRepository(redis, prefix, Clock.systemUTC(), Duration.ofDays(31), values);
    }

    @Override
    public byte[] storedValue(ProjectId project, String key) {
        return send(Request.cmd(Command.HGET).arg(new RedisKeys(prefix).entry(project, key)).arg("v")).toBytes();
    }

    @Override
    public void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        send(Request.cmd(Command.HSET).arg(new RedisKeys(prefix).entry(project, key)).arg("v").arg(stored));
    }

    @Override
    public SessionRepository sessionsOn(ValueCodec values) {
        return new SealedSessionRepository(new RedisSessionRepository(redis, prefix, Clock.systemUTC()), values);
    }

    @Override
    public String storedUserData(SessionId session) {
        return send(Request.cmd(Command.HGET).arg(new RedisKeys(prefix).session(session)).arg("ud")).toString();
    }

    @Override
    public void overwriteStoredUserData(SessionId session, String stored) {
        send(Request.cmd(Command.HSET).arg(new RedisKeys(prefix).session(session)).arg("ud").arg(stored));
    }

    @Override
    public boolean storeContains(byte[] needle) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        String cursor = "0";
        do {
            Response page = send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + ":*").arg("COUNT").arg(1000));
            cursor = page.get(0).toString();
            for (Response name : page.get(1)) {
                String key = name.toString();
                keep(kept, key.getBytes(StandardCharsets.UTF_8));
                switch (send(Request.cmd(Command.TYPE).arg(key)).toString()) {
                    case "hash" -> {
                        for (Response field : send(Request.cmd(Command.HKEYS).arg(key))) {
                            keep(kept, field.toBytes());
                            keep(kept, send(Request.cmd(Command.HGET).arg(key).arg(field.toBytes())).toBytes());
                        }
                    }
                    case "zset" -> send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1)).forEach(m -> keep(kept, m.toBytes()));
                    case "string" -> keep(kept, send(Request.cmd(Command.GET).arg(key)).toBytes());
                    default -> throw new AssertionError("a key of a type this scan does not read: " + key);
                }
            }
        } while (!cursor.equals("0"));
        return ValueStore.contains(kept.toByteArray(), needle);
    }

    /** Each piece apart from the next, so that no needle is found across two of them. */
    private static void keep(ByteArrayOutputStream kept, byte[] piece) {
        kept.writeBytes(piece);
        kept.write(0);
    }

    private Response send(Request request) {
        return redis.getRedis().send(request).await().atMost(Duration.ofSeconds(10));
    }
}
