package infrastructure.redis;

import domain.StoreNotReplicatedException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Redis client that answers a write only once enough replicas hold it: each write goes in one batch
 * with {@code WAIT <replicas> <timeout>} after it, on the same connection, and fails with a
 * {@link StoreNotReplicatedException} when fewer replicas confirmed it in time. A command's own error
 * comes back as the command alone would have got it (a NOSCRIPT stays one, so its script is sent again). Without it an
 * acknowledged write lives on the master alone until it is replicated (asynchronously, usually within
 * a millisecond), and a failover in between loses it.
 *
 * <p>A write that fails this way was applied on the master and may survive or not: the caller is told
 * that it is not known to be safe, as after a timeout. Writes are the service's scripts
 * ({@code EVALSHA}, {@code EVAL}: every read-modify-write is one, but those marked read-only, see
 * {@link #unwaited}) and the few plain writes it sends; reads, pub/sub and server commands pass as they are.
 */
public final class RedisReplicaWait implements Redis {

    private static final Set<Command> WRITES = Set.of(Command.EVALSHA, Command.EVAL, Command.SET, Command.HSET, Command.HDEL,
            Command.DEL, Command.UNLINK, Command.ZADD, Command.ZREM);

    private final Redis redis;
    private final int replicas;
    private final long timeoutMillis;

    /** @param replicas at least 1 */
    public RedisReplicaWait(Redis redis, int replicas, Duration timeout) {
        if (replicas < 1) {
            throw new IllegalArgumentException("waiting for " + replicas + " replicas: wait for at least one, or for none without this client");
        }
        this.redis = redis;
        this.replicas = replicas;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
    }

    @Override
    public Future<Response> send(Request request) {
        if (!WRITES.contains(request.command())) {
            return redis.send(request);
        }
        return redis.batch(List.of(request, waitRequest()))
                .recover(failure -> Future.failedFuture(RedisFailures.ownError(failure)))
                .compose(replies -> held(replies.get(1), replies.get(0)));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        if (requests.stream().noneMatch(request -> WRITES.contains(request.command()))) {
            return redis.batch(requests);
        }
        List<Request> waited = new ArrayList<>(requests);
        waited.add(waitRequest());
        return redis.batch(waited)
                .compose(replies -> held(replies.get(replies.size() - 1), replies.subList(0, replies.size() - 1)));
    }

    private Request waitRequest() {
        return Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMillis);
    }

    private <T> Future<T> held(Response confirmed, T answer) {
        long replicated = confirmed == null ? 0 : confirmed.toLong();
        if (replicated >= replicas) {
            return Future.succeededFuture(answer);
        }
        return Future.failedFuture(new StoreNotReplicatedException("the write reached the Redis master but " + replicated + " of "
                + replicas + " replicas within " + timeoutMillis + " ms (cache-domain.redis.wait-for-replicas): a failover "
                + "now could lose it"));
    }

    /**
     * Sends a request that writes nothing without waiting: a read-only script, which its command alone
     * ({@code EVALSHA}) cannot tell from a writing one.
     */
    public Future<Response> unwaited(Request request) {
        return redis.send(request);
    }

    /** A connection as the client gives it (pub/sub and server commands): nothing written on it waits. */
    @Override
    public Future<RedisConnection> connect() {
        return redis.connect();
    }

    @Override
    public void close() {
        redis.close();
    }
}
