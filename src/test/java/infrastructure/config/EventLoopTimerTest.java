package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The budget's catch-up on real Vert.x event loops: before a stall verdict, an answer that reached a
 * busy loop's socket must have been read, or a busy service would take its own slowness for a dead store.
 */
class EventLoopTimerTest {

    private Vertx vertx;
    private EventLoopTimer timer;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        timer = new EventLoopTimer(vertx);
    }

    @AfterEach
    void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsAnAnswerThatReachedABusyLoopsSocketBeforeItSettles() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Context loop = vertx.getOrCreateContext();
            AtomicBoolean read = new AtomicBoolean();
            CompletableFuture<NetSocket> connected = new CompletableFuture<>();
            loop.runOnContext(v -> vertx.createNetClient().connect(server.getLocalPort(), "127.0.0.1")
                    .onSuccess(socket -> {
                        socket.handler(bytes -> read.set(true));
                        connected.complete(socket);
                    })
                    .onFailure(connected::completeExceptionally));
            try (Socket store = server.accept()) {
                connected.get(10, TimeUnit.SECONDS);
                OutputStream out = store.getOutputStream();
                CompletableFuture<Boolean> readWhenSettled = new CompletableFuture<>();

                // As a budget timer does: on the loop, in the middle of its tasks. The "store" answers
                // while the loop is busy, so the answer waits on the socket, unread.
                loop.runOnContext(v -> {
                    answer(out);
                    busyFor(20);
                    assertThat(read).as("nothing read while the loop is busy").isFalse();
                    timer.settle(() -> readWhenSettled.complete(read.get()));
                });

                assertThat(readWhenSettled.get(10, TimeUnit.SECONDS)).as("the waiting answer was read before settling").isTrue();
            }
        }
    }

    @Test
    void runsTheCatchUpAndTimersOnTheCallersRequestContext() throws Exception {
        Context request = ((io.vertx.core.impl.ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<Context> settledOn = new CompletableFuture<>();
        CompletableFuture<Context> firedOn = new CompletableFuture<>();

        // A stall verdict comes from these: it must reach the request where its scope and its trace are.
        request.runOnContext(v -> {
            timer.settle(() -> settledOn.complete(Vertx.currentContext()));
            timer.schedule(TimeUnit.MILLISECONDS.toNanos(5), () -> firedOn.complete(Vertx.currentContext()));
        });

        assertThat(settledOn.get(10, TimeUnit.SECONDS)).isSameAs(request);
        assertThat(firedOn.get(10, TimeUnit.SECONDS)).isSameAs(request);
    }

    @Test
    void runsTheCatchUpOnceAfterEveryLoopHadItsTurn() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Void> settled = new CompletableFuture<>();

        timer.settle(() -> {
            runs.incrementAndGet();
            settled.complete(null);
        });

        settled.get(10, TimeUnit.SECONDS);
        // Another full turn of both loops: a second run of the catch-up would have come by then.
        CompletableFuture<Void> later = new CompletableFuture<>();
        timer.settle(() -> later.complete(null));
        later.get(10, TimeUnit.SECONDS);
        assertThat(runs).hasValue(1);
    }

    @Test
    void firesATimerAfterItsDelayAndNotOnceCancelled() throws Exception {
        assertFiresAfterItsDelayAndNotOnceCancelled(Runnable::run);
    }

    @Test
    void firesATimerSetOnAnEventLoopAfterItsDelayAndNotOnceCancelled() throws Exception {
        // As a store call arms it: on the request's context, where the timer is the loop's own task.
        Context request = ((io.vertx.core.impl.ContextInternal) vertx.getOrCreateContext()).duplicate();
        assertFiresAfterItsDelayAndNotOnceCancelled(setting -> request.runOnContext(v -> setting.run()));
    }

    @Test
    void cancelsATimerSetOnAnEventLoopFromAnotherThread() throws Exception {
        // As a store call's answer does: it arrives on the Redis connection's loop, or another thread, and cancels there.
        Context request = ((io.vertx.core.impl.ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<io.smallrye.mutiny.subscription.Cancellable> armed = new CompletableFuture<>();
        CompletableFuture<Void> later = new CompletableFuture<>();
        AtomicBoolean cancelledFired = new AtomicBoolean();

        request.runOnContext(v -> {
            armed.complete(timer.schedule(TimeUnit.MILLISECONDS.toNanos(150), () -> cancelledFired.set(true)));
            timer.schedule(TimeUnit.MILLISECONDS.toNanos(300), () -> later.complete(null));
        });
        armed.get(10, TimeUnit.SECONDS).cancel();

        later.get(10, TimeUnit.SECONDS);
        assertThat(cancelledFired).isFalse();
    }

    private void assertFiresAfterItsDelayAndNotOnceCancelled(java.util.function.Consumer<Runnable> where) throws Exception {
        CompletableFuture<Long> fired = new CompletableFuture<>();
        AtomicBoolean cancelledFired = new AtomicBoolean();
        long start = System.nanoTime();

        // The cancelled timer's delay leaves room for this thread to be descheduled between scheduling and cancelling it
        // (a loaded machine), and is shorter than the other's: had the cancel not held, it would have fired first.
        where.accept(() -> {
            timer.schedule(TimeUnit.MILLISECONDS.toNanos(150), () -> cancelledFired.set(true)).cancel();
            timer.schedule(TimeUnit.MILLISECONDS.toNanos(300), () -> fired.complete(System.nanoTime()));
        });

        long after = TimeUnit.NANOSECONDS.toMillis(fired.get(10, TimeUnit.SECONDS) - start);
        assertThat(after).isGreaterThanOrEqualTo(300);
        assertThat(cancelledFired).isFalse();
    }

    private static void answer(OutputStream out) {
        try {
            out.write('+');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the calling event loop busy, as a burst of requests on cold code does. */
    private static void busyFor(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
