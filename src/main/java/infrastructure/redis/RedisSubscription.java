package infrastructure.redis;

import org.jboss.logging.Logger;
import application.RequestContexts;
import domain.StoreUnavailableException;
import infrastructure.config.VertxRequestContexts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * One pub/sub subscription of an adapter, on a connection of its own: made on first use and shared
 * by every caller (never two SUBSCRIBEs racing), made again after a failure or a lost connection,
 * released by {@link #close()}.
 *
 * <p>It talks to the connection directly rather than through the data source's pub/sub commands,
 * which install their message handler only after the SUBSCRIBE reply: when the confirmation came
 * first, the client dropped it ("No handler waiting for message") and the subscription never
 * reported ready, although messages flowed. Here the handler is in place before the command is
 * sent, and either the reply or the confirmation message makes the subscription ready.
 *
 * <p>At most one connection is subscribed at any time, and only it delivers. A connection reported
 * lost is closed at once: on Redis Cluster a connection spans every master, and the loss of one
 * node reports the whole connection lost while the node it subscribed on may still deliver; kept
 * open, it would deliver every message a second time once the subscription is made again.
 */
final class RedisSubscription {

    private static final Logger LOG = Logger.getLogger(RedisSubscription.class);

    /**
     * The longest one attempt to subscribe may take. A connection the pool handed out may be dead
     * without knowing it yet (just after Redis restarted); an attempt on it must fail, so that the
     * next caller tries again, rather than hang and hold every later caller.
     */
    private static final Duration ATTEMPT = Duration.ofSeconds(3);
    /** The first wait before making a lost subscription again ({@link #keepMade()}); it doubles up to {@link #MAX_BACKOFF}. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** Callers waiting for the subscription being made go on in their own request's context, not the connection's. */
    private static final RequestContexts CALLERS = new VertxRequestContexts();

    private final ReactiveRedisDataSource redis;
    private final Command command;
    private final Command undo;
    private final String channel;
    private final BiConsumer<String, String> onMessage;
    private final Runnable onMade;
    private final Runnable onLost;
    private final AtomicBoolean failed = new AtomicBoolean();
    /** The connection of the subscription being made or made: the only one whose messages count. */
    private final AtomicReference<RedisConnection> current = new AtomicReference<>();
    private final Uni<Void> ready;
    /** Requests to keep the subscription made not yet served: one attempt at a time, again if more came meanwhile. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    private RedisSubscription(ReactiveRedisDataSource redis, Command command, String channel, BiConsumer<String, String> onMessage,
            Runnable onMade, Runnable onLost) {
        this.redis = redis;
        this.command = command;
        this.undo = command == Command.PSUBSCRIBE ? Command.PUNSUBSCRIBE : Command.UNSUBSCRIBE;
        this.channel = channel;
        this.onMessage = onMessage;
        this.onMade = onMade;
        this.onLost = onLost;
        this.ready = Uni.createFrom().deferred(this::subscribe)
                .ifNoItem().after(ATTEMPT).failWith(() -> new StoreUnavailableException("no answer to " + command + " " + channel, null))
                .onFailure().invoke(() -> failed.set(true))
                .onFailure().transform(RedisFailures::translate)
                .memoize().until(() -> failed.getAndSet(false));
    }

    /** A subscription to one channel; {@code onMessage} gets the channel and the message. */
    static RedisSubscription toChannel(ReactiveRedisDataSource redis, String channel, BiConsumer<String, String> onMessage) {
        return toChannel(redis, channel, onMessage, () -> { }, () -> { });
    }

    /**
     * A subscription to one channel that also reports each time it is made ({@code onMade}, the
     * first time too) and each time its connection is lost ({@code onLost}); messages sent in
     * between are not delivered.
     */
    static RedisSubscription toChannel(ReactiveRedisDataSource redis, String channel, BiConsumer<String, String> onMessage,
            Runnable onMade, Runnable onLost) {
        return new RedisSubscription(redis, Command.SUBSCRIBE, channel, onMessage, onMade, onLost);
    }

    /** A subscription to every channel matching a glob pattern; {@code onMessage} gets the channel and the message. */
    static RedisSubscription toPattern(ReactiveRedisDataSource redis, String pattern, BiConsumer<String, String> onMessage) {
        return toPattern(redis, pattern, onMessage, () -> { });
    }

    /** A subscription to every channel matching a glob pattern that also reports each time its connection is lost ({@code onLost}). */
    static RedisSubscription toPattern(ReactiveRedisDataSource redis, String pattern, BiConsumer<String, String> onMessage,
            Runnable onLost) {
        return new RedisSubscription(redis, Command.PSUBSCRIBE, pattern, onMessage, () -> { }, onLost);
    }

    private Uni<Void> subscribe() {
        if (closed) {
            return Uni.createFrom().failure(new StoreUnavailableException("the subscription to " + channel + " is closed", null));
        }
        return redis.getRedis().connect().chain(connection -> {
            // Whatever subscribed before is done with: never two subscriptions at once.
            RedisConnection previous = current.getAndSet(connection);
            if (previous != null) {
                RedisConnections.discard(previous);
            }
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            connection.handler(reply -> {
                if (current.get() == connection) {
                    handle(reply, () -> confirmed.complete(null));
                }
            });
            // A lost connection ends the subscription: it is closed, and the next caller of ready() makes a new one.
            connection.endHandler(() -> lost(connection));
            connection.exceptionHandler(failure -> lost(connection));
            // Ready on the reply or on the confirmation message, whichever the client hands over.
            return Uni.combine().any().of(
                            connection.send(Request.cmd(command).arg(channel)).replaceWithVoid(),
                            Uni.createFrom().completionStage(confirmed))
                    .replaceWithVoid()
                    .invoke(() -> {
                        if (current.get() != connection) {
                            throw new StoreUnavailableException("the connection was lost while subscribing to " + channel, null);
                        }
                    })
                    // A failed attempt, or one given up (see ATTEMPT), gives its connection back.
                    .onFailure().call(() -> release(connection))
                    .onCancellation().call(() -> release(connection))
                    .invoke(onMade);
        });
    }

    private void handle(Response reply, Runnable confirmed) {
        if (reply == null || reply.size() == 0) {
            return;
        }
        String kind = reply.get(0).toString();
        switch (kind) {
            case "subscribe", "psubscribe" -> confirmed.run();
            case "message" -> onMessage.accept(reply.get(1).toString(), reply.get(2).toString());
            case "pmessage" -> onMessage.accept(reply.get(2).toString(), reply.get(3).toString());
            default -> {
                // unsubscribe confirmations and pongs carry nothing for us
            }
        }
    }

    private void lost(RedisConnection connection) {
        if (current.compareAndSet(connection, null)) {
            failed.set(true);
            RedisConnections.discard(connection);
            onLost.run();
        }
    }

    /** Forgets the connection if it is the current one, and closes it. */
    private Uni<Void> release(RedisConnection connection) {
        current.compareAndSet(connection, null);
        return connection.close().onFailure().recoverWithNull();
    }

    /** Completes once the subscription is active (at once after the first time); fails if it cannot be made. */
    Uni<Void> ready() {
        return CALLERS.onCaller(ready);
    }

    /**
     * Begins the subscription in the background if it is not made yet, for a caller that must not
     * wait for it: a deliberate fire-and-forget, since a failure is noted and
     * retried by the next start.
     */
    void start() {
        ready.subscribe().with(made -> { }, failure -> { });
    }

    /**
     * Makes the subscription in the background unless it is made, retrying with backoff (100
     * ms doubling up to two seconds) until it is, or until it is closed: for a holder that must hear its
     * messages again soon after a lost connection (a failover), without waiting for its next caller. A
     * request during an attempt makes sure once more afterwards. A deliberate fire-and-forget: nobody
     * waits for it, and every failure is retried.
     */
    void keepMade() {
        if (!closed && pending.getAndIncrement() == 0) {
            attempt();
        }
    }

    private void attempt() {
        int served = pending.get();
        ready.onFailure(failure -> !closed).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).indefinitely()
                .subscribe().with(made -> settled(served), failure -> {
                    LOG.debugf("subscription to %s not made: %s", channel, failure.toString());
                    settled(served);
                });
    }

    private void settled(int served) {
        if (pending.addAndGet(-served) > 0 && !closed) {
            attempt();
        }
    }

    /**
     * Ends the subscription and gives its connection back to the pool, unsubscribed first: a
     * connection still subscribed would refuse every ordinary command of its next borrower.
     */
    Uni<Void> close() {
        closed = true;
        RedisConnection connection = current.getAndSet(null);
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        return connection.send(Request.cmd(undo).arg(channel))
                .onFailure().recoverWithNull()
                .chain(connection::close);
    }
}
