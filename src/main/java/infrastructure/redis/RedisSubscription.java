package infrastructure.redis;

import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One pub/sub subscription of an adapter: made on first use and shared by every caller (never
 * two SUBSCRIBEs racing on the client, which leaves a reply without a handler), made again after
 * a failure, released by {@link #close()}. It holds one pooled connection while active.
 */
final class RedisSubscription {

    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicReference<ReactiveRedisSubscriber> active = new AtomicReference<>();
    private final Uni<Void> ready;

    RedisSubscription(Supplier<Uni<? extends ReactiveRedisSubscriber>> subscribe) {
        this.ready = Uni.createFrom().<ReactiveRedisSubscriber>deferred(subscribe)
                .invoke(active::set)
                .onFailure().invoke(() -> failed.set(true))
                .onFailure().transform(RedisFailures::translate)
                .replaceWithVoid()
                .memoize().until(() -> failed.getAndSet(false));
    }

    /** Completes once the subscription is active (at once after the first time); fails if it cannot be made. */
    Uni<Void> ready() {
        return ready;
    }

    /**
     * Begins the subscription in the background if it is not made yet, for a caller that must not
     * wait for it: a deliberate fire-and-forget, since a failure is noted and
     * retried by the next start.
     */
    void start() {
        ready.subscribe().with(made -> { }, failure -> { });
    }

    /** Ends the subscription, giving its connection back. */
    Uni<Void> close() {
        ReactiveRedisSubscriber subscriber = active.getAndSet(null);
        return subscriber == null ? Uni.createFrom().voidItem() : subscriber.unsubscribe();
    }
}
