package application;

import domain.StoreUnavailableException;
import domain.store.StorePulse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A latency budget that measures the store, not this process: a call whose budget runs out fails
 * as a stalled store only if the store answered nothing at all during that budget; while it answers
 * other calls, the delay is this process's own (a pool filling, a busy event loop, a cold JIT) and
 * the call keeps waiting, budget after budget, up to a hard cap.
 *
 * <p>Three rules make the verdict fair and cheap:
 * <ul>
 * <li><b>Progress.</b> Each time the budget runs out, the call goes on if the {@link StorePulse} moved
 * since the budget began; else the store stalled: the call fails with {@link StoreUnavailableException}
 * (a store failure, which a circuit breaker counts).</li>
 * <li><b>Late timers.</b> A timer that fires later than a quarter of the budget after it was due (the
 * process itself paused: garbage collection, a busy event loop) proves nothing about the store: the
 * call gets a fresh budget instead of a verdict. Before a verdict of stall, the process first catches
 * up with its own queued work ({@link Timer#settle}): answers already waiting there are progress, and
 * a slow catch-up is a late timer. Then it asks the store itself ({@link Heartbeat}): a store that
 * answers that is alive, and the silence was this process's (every call waiting for a connection
 * still being made, say, as in a burst right after start).</li>
 * <li><b>Stall memory.</b> Once a call saw the store stall, later calls that change the store fail at
 * once, without reaching it, until the store answers again; one trial call per budget still goes to
 * the store, so that a store that returns is noticed even when nothing else talks to it (a circuit
 * breaker's trial call is one). So a request that makes several calls in sequence pays the budget
 * once, not once per call.</li>
 * </ul>
 * At the hard cap the call fails with a {@link TimeoutException}: a store failure for the failure
 * policy, but not proof of a dead store, so it neither opens a breaker that counts only store failures
 * nor starts stall memory.
 */
public final class StoreBudget {

    /** Runs a task after a delay; the production one runs it on the event loop, so that its lateness shows a busy loop. */
    @FunctionalInterface
    public interface Timer {

        /** Runs {@code task} once, {@code delayNanos} from now; the handle returned cancels it. */
        Cancellable schedule(long delayNanos, Runnable task);

        /**
         * Runs {@code task} once this process has caught up with the work it had queued (the production
         * one: once every event loop ran what it had queued, and so read the answers already waiting on
         * its sockets). Runs it at once by default.
         */
        default void settle(Runnable task) {
            task.run();
        }
    }

    /**
     * Asks the store for a sign of life apart from the calls being judged, whose answer moves the pulse:
     * the production one sends Redis a PING on a connection of its own.
     */
    @FunctionalInterface
    public interface Heartbeat {

        /** None: silence is judged by the calls' own answers alone. */
        Heartbeat NONE = () -> { };

        /** Sends the store one cheap request, unless one is under way; its answer is recorded on the pulse. */
        void beat();
    }

    private final StorePulse pulse;
    private final Timer timer;
    private final Heartbeat heartbeat;
    private final long budget;
    private final long cap;
    private final long lateness;
    /** True from a stall until the store answers again. */
    private volatile boolean stalled;
    /** When the latest stall was seen, on the pulse's ticker. */
    private volatile long stalledAt;
    /** The earliest time a trial call may go to a stalled store. */
    private final AtomicLong nextTrial = new AtomicLong();

    /**
     * @param budget how long a call may wait without the store answering anything
     * @param cap    the longest a call waits in any case
     */
    public StoreBudget(StorePulse pulse, Timer timer, Duration budget, Duration cap) {
        this(pulse, timer, Heartbeat.NONE, budget, cap);
    }

    /**
     * @param heartbeat asked before a verdict of stall; the verdict then waits up to an eighth of the
     *                  budget for its answer
     */
    public StoreBudget(StorePulse pulse, Timer timer, Heartbeat heartbeat, Duration budget, Duration cap) {
        if (budget.isNegative() || budget.isZero() || cap.compareTo(budget) < 0) {
            throw new IllegalArgumentException("a budget must be positive and no longer than its cap");
        }
        this.pulse = pulse;
        this.timer = timer;
        this.heartbeat = heartbeat;
        this.budget = budget.toNanos();
        this.cap = cap.toNanos();
        this.lateness = this.budget / 4;
    }

    /** The budget a call may wait without the store answering anything. */
    public Duration budget() {
        return Duration.ofNanos(budget);
    }

    /**
     * Bounds a call that changes the store (it is never sent while the store is stalled, so that it
     * cannot take effect later unseen).
     */
    public <T> Uni<T> call(Supplier<Uni<T>> call) {
        return bound(call, false);
    }

    /**
     * Bounds a read, which changes nothing: it always goes to the store with a full budget, stall or
     * not (it usually answers at once from an in-process copy), and its own verdict counts like any.
     */
    public <T> Uni<T> read(Supplier<Uni<T>> read) {
        return bound(read, true);
    }

    /**
     * Bounds an operation of several store calls, reads and writes alike (a {@link StoreGuard}'s): it
     * is always started, as a read is, since a circuit breaker, not this budget's stall memory, spares
     * a dead store its calls.
     */
    public <T> Uni<T> operation(Supplier<Uni<T>> operation) {
        return bound(operation, true);
    }

    /** True while a stall was seen and the store has not answered since. */
    public boolean stalled() {
        return stalled && !pulse.answeredSince(stalledAt);
    }

    private <T> Uni<T> bound(Supplier<Uni<T>> call, boolean read) {
        return Uni.createFrom().emitter(emitter -> {
            long start = pulse.now();
            if (!read && !admitted(start)) {
                emitter.fail(stall());
                return;
            }
            Watch<T> watch = new Watch<>(emitter, start);
            emitter.onTermination(watch::stop);
            watch.subscribe(call.get());
            watch.arm(start);
        });
    }

    /** False when the store is stalled and this call may not be its trial. */
    private boolean admitted(long now) {
        if (!stalled) {
            return true;
        }
        if (pulse.answeredSince(stalledAt)) {
            stalled = false;
            return true;
        }
        long trial = nextTrial.get();
        return now - trial >= 0 && nextTrial.compareAndSet(trial, now + budget);
    }

    private void stalledAt(long now) {
        stalledAt = now;
        nextTrial.set(now + budget);
        stalled = true;
    }

    private static StoreUnavailableException stall() {
        return new StoreUnavailableException("the store answered nothing within the budget", null);
    }

    /** One call under the budget: its answer, or the verdict of its timer, whichever comes first. */
    private final class Watch<T> {

        private final UniEmitter<? super T> emitter;
        private final long start;
        private final AtomicBoolean done = new AtomicBoolean();
        /** The store must have answered something after this time for the call to go on. */
        private volatile long since;
        /** When the pending timer is due. */
        private volatile long due;
        private volatile Cancellable upstream;
        private volatile Cancellable pending;

        Watch(UniEmitter<? super T> emitter, long start) {
            this.emitter = emitter;
            this.start = start;
        }

        void subscribe(Uni<T> call) {
            Cancellable subscription = call.subscribe().with(this::answered, this::failed);
            upstream = subscription;
            if (done.get()) {
                subscription.cancel();
            }
        }

        /** Starts a budget at {@code now}: the timer fires when it runs out, or at the cap. */
        void arm(long now) {
            if (done.get()) {
                return;
            }
            since = now;
            long delay = Math.min(budget, start + cap - now);
            due = now + delay;
            pending = timer.schedule(delay, this::expired);
            if (done.get()) {
                pending.cancel();
            }
        }

        private void expired() {
            if (done.get()) {
                return;
            }
            long now = pulse.now();
            if (now - start >= cap) {
                finish(new TimeoutException("the store did not answer this call within " + Duration.ofNanos(cap).toMillis() + " ms"));
            } else if (now - due > lateness || pulse.answeredSince(since)) {
                // Late: this process paused, so the store had no fair hearing. Progress: the store answers, we are slow.
                arm(now);
            } else if (heartbeat == Heartbeat.NONE) {
                // Silence so far; answers may still wait in this process's own queues: read them before judging.
                timer.settle(() -> judge(now));
            } else {
                // Read what waits in our queues, and ask the store itself: it may have had nothing to answer yet. The
                // verdict waits for the answer; only a wait beyond that counts as this process's lateness.
                long wait = lateness / 2;
                timer.settle(() -> {
                    heartbeat.beat();
                    pending = timer.schedule(wait, () -> judge(now + wait));
                    if (done.get()) {
                        pending.cancel();
                    }
                });
            }
        }

        private void judge(long expiredAt) {
            if (done.get()) {
                return;
            }
            long now = pulse.now();
            if (pulse.answeredSince(since) || now - expiredAt > lateness) {
                // The answers were waiting in our queues, or we took long to get round to them: our delay.
                arm(now);
            } else {
                stalledAt(now);
                finish(stall());
            }
        }

        private void answered(T item) {
            if (done.compareAndSet(false, true)) {
                cancel(pending);
                emitter.complete(item);
            }
        }

        private void failed(Throwable failure) {
            if (done.compareAndSet(false, true)) {
                cancel(pending);
                emitter.fail(failure);
            }
        }

        void finish(Throwable verdict) {
            if (done.compareAndSet(false, true)) {
                cancel(pending);
                cancel(upstream);
                emitter.fail(verdict);
            }
        }

        /** The caller went away (or the call ended): nothing more to wait for. */
        void stop() {
            done.set(true);
            cancel(pending);
            cancel(upstream);
        }

        private void cancel(Cancellable c) {
            if (c != null) {
                c.cancel();
            }
        }
    }
}
