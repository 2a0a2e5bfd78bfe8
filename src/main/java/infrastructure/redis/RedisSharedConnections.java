package infrastructure.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Redis client that sends the service's plain commands over a few connections it keeps open, many
 * in flight on each (Redis answers a connection's commands in the order it got them), instead of
 * leasing a pooled connection for each command: no lease and return per command, and one socket read
 * takes many answers (docs/benchmarks.md, "Shared Redis connections").
 *
 * <p>A connection runs its commands one after the other, so only commands that neither block it nor
 * change its state are shared ({@link #SHARED}: scripts, reads and simple writes); anything else
 * ({@code WAIT}, blocking pops, {@code MULTI}, pub/sub, {@code CLIENT}, {@code SELECT}...) and
 * {@link #connect()} go to the pool, as before. A batch is shared only if all its commands are.
 *
 * <p>Each shared connection is asked of the pool (it holds one of the pool's connections while it is
 * shared) when a command first finds its place empty; until it is made, and while Redis cannot be
 * reached (at most one attempt per place every {@value #RETRY_MILLIS} ms), commands go to the pool.
 * A shared connection is let go, and its place made anew at a later command:
 * <ul>
 * <li>when it closes or fails, or a command on it fails other than by Redis's own error reply (its
 * commands in flight fail, as they would on a pooled connection);</li>
 * <li>when it has had commands waiting and answered none for {@code giveUp} (a host lost without a
 * word, as at a Sentinel failover that takes the master's host away): later commands go elsewhere,
 * and the connection goes back to the pool once it has answered all it holds, else when it closes.</li>
 * </ul>
 * A command refused before it was sent (the connection had just closed, or holds as many commands as it
 * may) goes to the pool instead. A connection let go because it was silent holds its lease until it has
 * answered; after a long script (Redis answers nobody meanwhile) the pool may thus lend up to twice as
 * many connections to the places as there are places, which is why they may take at most half of it.
 *
 * <p>What sharing costs: the answers of one connection come in order, so a command waits for the bytes
 * of the large answers sent before it on the same connection (Redis itself runs every connection's
 * commands one at a time either way).
 */
public final class RedisSharedConnections implements Redis {

    /** Commands that neither block a connection nor change its state: the only ones sent over a shared connection. */
    static final Set<Command> SHARED = Set.of(Command.EVALSHA, Command.EVAL, Command.EVALSHA_RO, Command.EVAL_RO, Command.SCRIPT,
            Command.GET, Command.MGET, Command.SET, Command.DEL, Command.UNLINK, Command.EXISTS, Command.PTTL, Command.TTL,
            Command.PEXPIRE, Command.HGET, Command.HMGET, Command.HGETALL, Command.HSET, Command.HDEL, Command.HSCAN, Command.SCAN,
            Command.ZADD, Command.ZREM, Command.ZRANGE, Command.ZCARD, Command.ZCOUNT, Command.ZSCORE, Command.XRANGE,
            Command.SMEMBERS, Command.SADD, Command.SREM, Command.PING, Command.PUBLISH, Command.TIME, Command.INFO, Command.DBSIZE);
    /** The least time between two attempts of one place to make its connection. */
    static final long RETRY_MILLIS = 250;
    /** How long a shared connection may hold commands without answering any before it is let go. */
    public static final Duration GIVE_UP = Duration.ofSeconds(2);
    private static final long RETRY_NANOS = Duration.ofMillis(RETRY_MILLIS).toNanos();
    /** The Vert.x client's refusal of a command it did not send because the connection is closed (RedisStandaloneConnection). */
    private static final String CLOSED = "Connection is closed";
    /** Its refusals of a command it did not send while the connection is as good as before. */
    private static final Set<String> REFUSED = Set.of("Redis waiting queue is full", "Redis command is not valid");

    private final Redis pool;
    private final Place[] places;
    private final long giveUpNanos;
    private final AtomicInteger turn = new AtomicInteger();
    /** How many connections the places have taken on so far. */
    private final AtomicInteger shares = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param pool        the pooled client: what the shared connections are asked of, and what sends the rest
     * @param connections how many connections to share, at least 1
     */
    public RedisSharedConnections(Redis pool, int connections) {
        this(pool, connections, GIVE_UP);
    }

    RedisSharedConnections(Redis pool, int connections, Duration giveUp) {
        if (connections < 1) {
            throw new IllegalArgumentException("share at least one connection, or use the pool alone");
        }
        this.pool = pool;
        this.giveUpNanos = giveUp.toNanos();
        this.places = new Place[connections];
        for (int i = 0; i < connections; i++) {
            places[i] = new Place();
        }
    }

    @Override
    public Future<Response> send(Request request) {
        return SHARED.contains(request.command()) ? shared(c -> c.send(request), () -> pool.send(request)) : pool.send(request);
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return requests.stream().allMatch(request -> SHARED.contains(request.command()))
                ? shared(c -> c.batch(requests), () -> pool.batch(requests))
                : pool.batch(requests);
    }

    /** A connection of one's own, from the pool (pub/sub, transactions, tracking): never a shared one. */
    @Override
    public Future<RedisConnection> connect() {
        return pool.connect();
    }

    /** Lets the shared connections go; the pool is its maker's to close. */
    @Override
    public void close() {
        closed = true;
        for (Place place : places) {
            Shared held = place.held.get();
            if (held != null) {
                place.letGo(held);
            }
        }
    }

    /** How many connections have been shared so far, the ones let go included. */
    int made() {
        return shares.get();
    }

    /** How many shared connections are open now. */
    public int open() {
        int open = 0;
        for (Place place : places) {
            open += place.held.get() == null ? 0 : 1;
        }
        return open;
    }

    private <T> Future<T> shared(Function<RedisConnection, Future<T>> call, Supplier<Future<T>> pooled) {
        Place place = places[places.length == 1 ? 0 : Math.floorMod(turn.getAndIncrement(), places.length)];
        Shared held = place.take();
        if (held == null) {
            return pooled.get();
        }
        Future<T> sent;
        try {
            sent = call.apply(held.connection);
        } catch (RuntimeException refused) {
            held.release();
            return Future.failedFuture(refused);
        }
        return sent.andThen(done -> held.release()).recover(failure -> {
            String message = failure.getMessage() == null ? "" : failure.getMessage();
            if (failure instanceof ErrorType) {
                // Redis's own answer (a batch's failures all come as one): the connection is as good as before.
                return Future.failedFuture(failure);
            }
            if (REFUSED.stream().anyMatch(message::startsWith)) {
                return pooled.get();
            }
            place.letGo(held);
            return message.equals(CLOSED) ? pooled.get() : Future.failedFuture(failure);
        });
    }

    /** One shared connection's place: the connection it holds, if any, and its attempts to make one. */
    private final class Place {

        final AtomicReference<Shared> held = new AtomicReference<>();
        private final AtomicBoolean connecting = new AtomicBoolean();
        private volatile long lastFailure = System.nanoTime() - RETRY_NANOS;

        /** Its connection, unless it has none that may take a command now (a command then goes to the pool). */
        Shared take() {
            Shared shared = held.get();
            if (shared == null) {
                connect();
                return null;
            }
            if (shared.silentFor(giveUpNanos)) {
                letGo(shared);
                return null;
            }
            return !shared.connection.pendingQueueFull() && shared.acquire() ? shared : null;
        }

        private void connect() {
            if (closed || System.nanoTime() - lastFailure < RETRY_NANOS || !connecting.compareAndSet(false, true)) {
                return;
            }
            pool.connect().onComplete(made -> {
                try {
                    if (made.failed()) {
                        lastFailure = System.nanoTime();
                    } else {
                        Shared shared = new Shared(made.result());
                        shared.connection.exceptionHandler(failure -> letGo(shared));
                        shared.connection.endHandler(end -> letGo(shared));
                        if (closed || !held.compareAndSet(null, shared)) {
                            shared.retire();
                        } else if (!closed) {
                            shares.incrementAndGet();
                        } else {
                            // Closed between the check and the swap: close() found the place empty.
                            letGo(shared);
                        }
                    }
                } finally {
                    connecting.set(false);
                }
            });
        }

        /** Lets {@code lost} go if it is still the one held: a late event of an older connection leaves a newer one alone. */
        void letGo(Shared lost) {
            if (held.compareAndSet(lost, null)) {
                lost.retire();
            }
        }
    }

    /** A connection shared by many commands, and how far behind it is with them. */
    private static final class Shared {

        final RedisConnection connection;
        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicBoolean returned = new AtomicBoolean();
        /** When it last answered, or got a command while it held none. */
        private volatile long progress = System.nanoTime();
        private volatile boolean retired;

        Shared(RedisConnection connection) {
            this.connection = connection;
        }

        /** Counts a command about to be sent on it; false, counting nothing, once it is retired. */
        boolean acquire() {
            // The clock starts before the count, so that a connection idle until now is never judged silent on its old clock.
            if (waiting.get() == 0) {
                progress = System.nanoTime();
            }
            waiting.incrementAndGet();
            if (retired) {
                release();
                return false;
            }
            return true;
        }

        /** A command sent on it was answered (or failed). */
        void release() {
            progress = System.nanoTime();
            if (waiting.decrementAndGet() == 0 && retired) {
                giveBack();
            }
        }

        boolean silentFor(long nanos) {
            return waiting.get() > 0 && System.nanoTime() - progress > nanos;
        }

        /**
         * Takes no more commands: back to the pool once it holds none (closing a pooled connection returns it to the
         * pool, which must not lease out one with commands still on it), or evicted by the pool when it closes.
         */
        void retire() {
            retired = true;
            if (waiting.get() == 0) {
                giveBack();
            }
        }

        private void giveBack() {
            if (returned.compareAndSet(false, true)) {
                connection.close();
            }
        }
    }
}
