package infrastructure.redis;

import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.encryption.ProjectKeysets;
import java.time.Instant;
import java.util.ArrayList;
import domain.encryption.WrappedKeyset;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.util.List;
import java.util.Optional;

/**
 * The wrapped keysets on Redis: one hash per project, in the project's hash slot, and one for the
 * sessions, with no TTL (a keyset must outlive every value encrypted under it); a shred deletes it.
 */
public final class RedisProjectKeysets implements ProjectKeysets {

    private static final LuaScript CREATE = LuaScript.load("keyset_create");
    private static final LuaScript REPLACE = LuaScript.load("keyset_replace");

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public RedisProjectKeysets(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
    }

    @Override
    public Uni<Optional<WrappedKeyset>> find(KeysetOwner owner) {
        return redis.getRedis().send(Request.cmd(Command.HMGET).arg(keys.keyset(owner)).arg("k").arg("r").arg("ks"))
                .map(RedisProjectKeysets::keyset)
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<WrappedKeyset> createIfAbsent(KeysetOwner owner, WrappedKeyset keyset) {
        if (keyset.revision() != 1) {
            return Uni.createFrom().failure(new IllegalArgumentException("a new keyset is at revision 1"));
        }
        return CREATE.run(redis, List.of(keys.keyset(owner)), List.of(keyset.kekId(), keyset.bytes()))
                .map(r -> keyset(r).orElseThrow())
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Boolean> replace(KeysetOwner owner, WrappedKeyset next) {
        return REPLACE.run(redis, List.of(keys.keyset(owner)),
                        List.of(next.kekId(), Long.toString(next.revision()), next.bytes()))
                .map(r -> r.toLong() == 1)
                .onFailure().transform(RedisFailures::translate);
    }

    /** The keyset first: once it is gone nothing it encrypted can be read, whatever happens to the record after. */
    @Override
    public Uni<Boolean> destroy(KeysetOwner owner) {
        return redis.execute(Command.DEL, keys.keyset(owner))
                .map(r -> r.toLong() == 1)
                .call(() -> redis.execute(Command.HDEL, keys.keyRotations(), owner.value()))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Void> saveRotation(KeyRotation rotation) {
        String record = rotation.primaryKeyId() + "|" + rotation.startedAt().toEpochMilli() + "|"
                + rotation.finishedAt().map(at -> Long.toString(at.toEpochMilli())).orElse("");
        return redis.execute(Command.HSET, keys.keyRotations(), rotation.owner().value(), record)
                .replaceWithVoid()
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<List<KeyRotation>> rotations() {
        return redis.execute(Command.HGETALL, keys.keyRotations())
                .map(r -> {
                    List<KeyRotation> all = new ArrayList<>();
                    for (String owner : r.getKeys()) {
                        String[] parts = r.get(owner).toString().split("\\|", -1);
                        all.add(new KeyRotation(new KeysetOwner(owner), Integer.parseInt(parts[0]),
                                Instant.ofEpochMilli(Long.parseLong(parts[1])),
                                parts[2].isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(parts[2])))));
                    }
                    return all;
                })
                .onFailure().transform(RedisFailures::translate);
    }

    /** The keyset from {@code HMGET k r ks}; empty when the hash does not exist. */
    private static Optional<WrappedKeyset> keyset(Response r) {
        if (r == null || r.size() < 3 || r.get(0) == null || r.get(1) == null || r.get(2) == null) {
            return Optional.empty();
        }
        return Optional.of(new WrappedKeyset(r.get(0).toString(), r.get(2).toBytes(), r.get(1).toLong()));
    }
}
