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
import java.util.List;
import java.util.UUID;
import support.RedisClients;
import support.SharedCluster;
import support.SharedRedis;

/**
 * The shared Redis (or the shared Redis Cluster) under a prefix of its own, read back key by key with the
 * binary-safe commands of each type.
 */
final class RedisValueStore implements ValueStore {

    private final ReactiveRedisDataSource redis;
    /** The nodes the adapters walk, as the service gives them. */
    private final RedisTrackedNodes nodes;
    /** A data source on each node holding keys, each SCANned and read on its own. */
    private final List<ReactiveRedisDataSource> scanned;
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    /** On the shared redis-server. */
    RedisValueStore() {
        this(RedisClients.dataSource(SharedRedis.server().url()));
    }

    private RedisValueStore(ReactiveRedisDataSource redis) {
        this(redis, RedisTrackedNodes.single(redis), List.of(redis));
    }

    private RedisValueStore(ReactiveRedisDataSource redis, RedisTrackedNodes nodes, List<ReactiveRedisDataSource> scanned) {
        this.redis = redis;
        this.nodes = nodes;
        this.scanned = scanned;
    }

    /** On the shared Redis Cluster of three masters, every master of which is scanned. */
    static RedisValueStore onCluster() {
        return new RedisValueStore(SharedCluster.dataSource(), SharedCluster.nodes(), SharedCluster.eachMaster());
    }

    @Override
    public ProjectKeysets keysets() {
        return new RedisProjectKeysets(redis, prefix);
    }

    @Override
    public CacheRepository cacheOn(ValueCodec values) {
        return new RedisCacheRepository(redis, prefix, Clock.systemUTC(), Duration.ofDays(31), values, nodes);
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
        return new SealedSessionRepository(new RedisSessionRepository(redis, prefix, Clock.systemUTC(), nodes), values);
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
        for (ReactiveRedisDataSource node : scanned) {
            keepAll(node, kept);
        }
        return ValueStore.contains(kept.toByteArray(), needle);
    }

    /** Every key under the prefix that {@code node} holds, with its fields, members and values. */
    private void keepAll(ReactiveRedisDataSource node, ByteArrayOutputStream kept) {
        String cursor = "0";
        do {
            Response page = send(node, Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + ":*").arg("COUNT").arg(1000));
            cursor = page.get(0).toString();
            for (Response name : page.get(1)) {
                String key = name.toString();
                keep(kept, key.getBytes(StandardCharsets.UTF_8));
                switch (send(node, Request.cmd(Command.TYPE).arg(key)).toString()) {
                    case "hash" -> {
                        for (Response field : send(node, Request.cmd(Command.HKEYS).arg(key))) {
                            keep(kept, field.toBytes());
                            keep(kept, send(node, Request.cmd(Command.HGET).arg(key).arg(field.toBytes())).toBytes());
                        }
                    }
                    case "zset" -> send(node, Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1)).forEach(m -> keep(kept, m.toBytes()));
                    case "string" -> keep(kept, send(node, Request.cmd(Command.GET).arg(key)).toBytes());
                    default -> throw new AssertionError("a key of a type this scan does not read: " + key);
                }
            }
        } while (!cursor.equals("0"));
    }

    /** Each piece apart from the next, so that no needle is found across two of them. */
    private static void keep(ByteArrayOutputStream kept, byte[] piece) {
        kept.writeBytes(piece);
        kept.write(0);
    }

    private Response send(Request request) {
        return send(redis, request);
    }

    private static Response send(ReactiveRedisDataSource on, Request request) {
        return on.getRedis().send(request).await().atMost(Duration.ofSeconds(10));
    }
}
