package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.ContextInternal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A result several requests share reaches each on its own Vert.x context: the request's duplicated
 * context, which holds its trace and its request scope, whoever completed the result and wherever.
 */
class VertxRequestContextsTest {

    private final VertxRequestContexts contexts = new VertxRequestContexts();
    private Vertx vertx;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    @AfterEach
    void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void handsASharedItemToEachSubscriberOnTheContextItSubscribedFrom() throws Exception {
        AtomicReference<UniEmitter<? super String>> source = new AtomicReference<>();
        Uni<String> shared = Uni.createFrom().<String>emitter(source::set).memoize().indefinitely();
        List<Context> requests = List.of(request(), request(), request());
        List<CompletableFuture<Context>> deliveredOn = requests.stream().map(request -> subscribeFrom(request, shared)).toList();

        source.get().complete("found"); // on the test's thread, as the store's answer comes on a connection's

        for (int i = 0; i < requests.size(); i++) {
            assertThat(deliveredOn.get(i).get(10, TimeUnit.SECONDS)).as("request " + i).isSameAs(requests.get(i));
        }
    }

    @Test
    void handsAFailureBackOnTheSubscribersContextToo() throws Exception {
        AtomicReference<UniEmitter<? super String>> source = new AtomicReference<>();
        Uni<String> shared = Uni.createFrom().<String>emitter(source::set).memoize().indefinitely();
        Context request = request();
        CompletableFuture<Context> failedOn = new CompletableFuture<>();
        request.runOnContext(ignored -> contexts.onCaller(shared).subscribe().with(
                item -> failedOn.completeExceptionally(new AssertionError("an item: " + item)),
                failure -> failedOn.complete(Vertx.currentContext())));

        vertx.runOnContext(ignored -> source.get().fail(new IllegalStateException("store down"))); // another context's

        assertThat(failedOn.get(10, TimeUnit.SECONDS)).isSameAs(request);
    }

    @Test
    void runsAtOnceForTheSubscriberAlreadyOnItsContext() throws Exception {
        Context request = request();
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        request.runOnContext(ignored -> {
            contexts.onCaller(Uni.createFrom().item("at hand")).subscribe().with(order::add);
            order.add("after subscribing");
            done.complete(null);
        });

        done.get(10, TimeUnit.SECONDS);
        assertThat(order).as("no hop through the event loop's queue").containsExactly("at hand", "after subscribing");
    }

    @Test
    void deliversWhereTheResultCompletesForACallerOffAnyContext() {
        AtomicReference<UniEmitter<? super String>> source = new AtomicReference<>();
        List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
        contexts.onCaller(Uni.createFrom().<String>emitter(source::set)).subscribe().with(item -> deliveredOn.add(Thread.currentThread()));

        source.get().complete("found");

        assertThat(deliveredOn).containsExactly(Thread.currentThread());
    }

    /** A context of its own, as each HTTP request gets: a duplicate of an event loop's. */
    private Context request() {
        return ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    }

    private CompletableFuture<Context> subscribeFrom(Context request, Uni<String> shared) {
        CompletableFuture<Context> deliveredOn = new CompletableFuture<>();
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        request.runOnContext(ignored -> {
            contexts.onCaller(shared).subscribe().with(item -> deliveredOn.complete(Vertx.currentContext()), deliveredOn::completeExceptionally);
            subscribed.complete(null);
        });
        subscribed.join();
        return deliveredOn;
    }
}
