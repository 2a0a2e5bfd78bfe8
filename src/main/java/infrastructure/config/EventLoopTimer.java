package infrastructure.config;

import application.StoreBudget;
import io.netty.util.concurrent.EventExecutor;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store budget's timers on the Vert.x event loops: a budget timer runs on the caller's loop (on
 * one of them for a caller off the loops), so that a loop too busy to read the store's answers fires
 * it late; a catch-up waits until every loop
 * has read what was waiting on its sockets.
 *
 * <p>The catch-up is a task scheduled on each loop, not one executed there: an event loop runs all
 * the tasks it is given in one go, including those added while it runs them, and reads its sockets
 * only between such rounds. A task merely executed could run before a single socket was read again
 * (a budget timer fires in the middle of such a round), and a Redis answer that arrived while the
 * loop was busy would be judged missing. A scheduled task is taken up only by the next round, which
 * begins with reading the sockets.
 */
final class EventLoopTimer implements StoreBudget.Timer {

    /** The smallest delay that puts a task into the loop's next round; it only delays a stall verdict. */
    private static final long NEXT_ROUND_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Vertx vertx;

    EventLoopTimer(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The task runs on the caller's Vert.x context, as a Vert.x timer set there would. Set on the caller's event
     * loop itself, as Netty schedules its own tasks: every store call arms one and nearly all are cancelled, and a
     * Vert.x timer costs a registry entry and a close hook on the context for each, on top of the loop's task.
     */
    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        if (Vertx.currentContext() instanceof ContextInternal caller && caller.isEventLoopContext()) {
            ScheduledFuture<?> due = caller.nettyEventLoop().schedule(() -> caller.emit(null, ignored -> task.run()),
                    Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
            return () -> due.cancel(false);
        }
        long id = vertx.setTimer(Math.max(1, (delayNanos + 999_999) / 1_000_000), fired -> task.run());
        return () -> vertx.cancelTimer(id);
    }

    /**
     * {@inheritDoc} The task runs on the caller's Vert.x context (its request's, which holds its trace and
     * request scope), as a timer set there would: the loops' own tasks run on none.
     */
    @Override
    public void settle(Runnable task) {
        Context caller = Vertx.currentContext();
        Runnable onCaller = caller == null ? task : () -> caller.runOnContext(ignored -> task.run());
        List<EventExecutor> loops = new ArrayList<>();
        ((VertxInternal) vertx).getEventLoopGroup().forEach(loops::add);
        AtomicInteger left = new AtomicInteger(loops.size());
        for (EventExecutor loop : loops) {
            loop.schedule(() -> {
                if (left.decrementAndGet() == 0) {
                    onCaller.run();
                }
            }, NEXT_ROUND_NANOS, TimeUnit.NANOSECONDS);
        }
    }
}
