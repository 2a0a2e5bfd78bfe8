package application;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * A capability's circuit breaker, with MicroProfile Fault Tolerance's semantics. Closed, it counts
 * the outcomes of the last {@code requestVolume} operations and opens when at least
 * {@code failureRatio} of them failed. Open, it refuses every operation at once with a
 * {@link CircuitBreakerOpenException}, for {@code delay}. Then half-open, it lets
 * {@code successThreshold} trial operations through: it closes when all of them succeed, and opens
 * again at the first failure. Only the failures it is told to count are failures
 * ({@code failOn}, minus {@code skipOn}, by the failure's own class, not its causes', as
 * {@link Outcomes#isStoreFailure} classifies); any other outcome is a success.
 *
 * <p>It replaces SmallRye Fault Tolerance's breaker (the service's until 2026-12-07) for its cost on
 * the hot path. Around an asynchronous operation on a Vert.x event loop, SmallRye's started the
 * operation and delivered its outcome through the event loop's task queue: two hops per operation,
 * on every hot request, some of them to the other event loop, which they woke
 * (docs/benchmarks.md). This one starts the operation in the caller's own call, and records the
 * outcome in the callback that carries it to the caller.
 */
public final class Breaker {

    /** A breaker's state. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * When a breaker opens and closes.
     *
     * @param requestVolume    how many of the latest outcomes are counted while closed
     * @param failureRatio     the share of failures among them that opens the breaker, in (0, 1]
     * @param delay            how long the breaker stays open before it lets trial operations through
     * @param successThreshold how many trial operations must succeed to close it
     */
    public record Settings(int requestVolume, double failureRatio, Duration delay, int successThreshold) {

        public Settings {
            if (requestVolume < 1 || successThreshold < 1) {
                throw new IllegalArgumentException("A breaker counts at least one operation and needs at least one trial");
            }
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("A breaker's failure ratio is above 0 and at most 1: at 0 it would open on successes");
            }
            if (delay.isNegative()) {
                throw new IllegalArgumentException("A breaker's delay cannot be negative");
            }
        }
    }

    private final String name;
    private final Settings settings;
    /** Failures among a full window that open the breaker. */
    private final int failureThreshold;
    private final List<Class<? extends Throwable>> failOn;
    private final List<Class<? extends Throwable>> skipOn;
    private final LongSupplier nanoTime;
    private final Consumer<State> onChange;

    private final Object lock = new Object();
    // Guarded by lock.
    private State state = State.CLOSED;
    /** Changes with every transition: an outcome counts only in the state its operation was let through in. */
    private long generation;
    /** The latest outcomes while closed, true for a failure: a ring of {@code requestVolume}. */
    private final boolean[] window;
    private int recorded;
    private int next;
    private int failures;
    private long openedAt;
    private int trials;
    private int trialSuccesses;

    /**
     * @param failOn   the failures that count (subclasses included)
     * @param skipOn   failures that count as successes, even when {@code failOn} names them
     * @param nanoTime the clock of the delay
     * @param onChange told of each transition, outside the breaker's lock (in the order they happen, except across threads)
     */
    public Breaker(String name, Settings settings, List<Class<? extends Throwable>> failOn, List<Class<? extends Throwable>> skipOn,
            LongSupplier nanoTime, Consumer<State> onChange) {
        this.name = name;
        this.settings = settings;
        this.failureThreshold = (int) Math.ceil(settings.failureRatio() * settings.requestVolume());
        this.failOn = List.copyOf(failOn);
        this.skipOn = List.copyOf(skipOn);
        this.nanoTime = nanoTime;
        this.onChange = onChange;
        this.window = new boolean[settings.requestVolume()];
    }

    public String name() {
        return name;
    }

    /**
     * Runs {@code operation} unless the breaker is open (or half-open with its trials under way), and
     * counts its outcome; a cancelled operation counts as nothing. Refused, the answer fails with a
     * {@link CircuitBreakerOpenException} and {@code operation} is not called.
     */
    public <T> Uni<T> guard(Supplier<Uni<T>> operation) {
        return Uni.createFrom().deferred(() -> {
            long admitted = admit();
            if (admitted < 0) {
                return Uni.createFrom().failure(new CircuitBreakerOpenException("circuit breaker " + name + " is open"));
            }
            Uni<T> call;
            try {
                call = operation.get();
                if (call == null) {
                    throw new NullPointerException("the operation guarded by circuit breaker " + name + " gave no Uni");
                }
            } catch (Throwable failure) {
                // Counted like any outcome: a trial that ends here must free its place, or a half-open breaker would stay shut.
                record(admitted, failure);
                return Uni.createFrom().failure(failure);
            }
            return call.onTermination().invoke((item, failure, cancelled) -> {
                if (cancelled) {
                    released(admitted);
                } else {
                    record(admitted, failure);
                }
            });
        });
    }

    /** The state now: an open breaker whose delay has passed is half-open. */
    public State state() {
        boolean halfOpened;
        State now;
        synchronized (lock) {
            halfOpened = halfOpenIfDue();
            now = state;
        }
        if (halfOpened) {
            onChange.accept(State.HALF_OPEN);
        }
        return now;
    }

    /** Closes the breaker and forgets every outcome (operators and tests). */
    public void reset() {
        boolean changed;
        synchronized (lock) {
            changed = state != State.CLOSED;
            toClosed();
        }
        if (changed) {
            onChange.accept(State.CLOSED);
        }
    }

    /** The generation the operation is let through in, or -1 when it is refused. */
    private long admit() {
        boolean halfOpened;
        long admitted;
        synchronized (lock) {
            halfOpened = halfOpenIfDue();
            if (state == State.OPEN || state == State.HALF_OPEN && trials >= settings.successThreshold()) {
                admitted = -1;
            } else {
                if (state == State.HALF_OPEN) {
                    trials++;
                }
                admitted = generation;
            }
        }
        if (halfOpened) {
            onChange.accept(State.HALF_OPEN);
        }
        return admitted;
    }

    private void record(long admitted, Throwable failure) {
        boolean failed = failure != null && counts(failure);
        State entered = null;
        synchronized (lock) {
            if (admitted != generation) {
                return;
            }
            if (state == State.CLOSED) {
                if (recorded == window.length && window[next]) {
                    failures--;
                }
                window[next] = failed;
                next = (next + 1) % window.length;
                recorded = Math.min(recorded + 1, window.length);
                if (failed) {
                    failures++;
                }
                if (recorded == window.length && failures >= failureThreshold) {
                    toOpen();
                    entered = State.OPEN;
                }
            } else if (state == State.HALF_OPEN) {
                if (failed) {
                    toOpen();
                    entered = State.OPEN;
                } else if (++trialSuccesses >= settings.successThreshold()) {
                    toClosed();
                    entered = State.CLOSED;
                }
            }
        }
        if (entered != null) {
            onChange.accept(entered);
        }
    }

    /** A trial that was cancelled leaves its place to another. */
    private void released(long admitted) {
        synchronized (lock) {
            if (admitted == generation && state == State.HALF_OPEN) {
                trials--;
            }
        }
    }

    private boolean counts(Throwable failure) {
        for (Class<? extends Throwable> skipped : skipOn) {
            if (skipped.isInstance(failure)) {
                return false;
            }
        }
        for (Class<? extends Throwable> counted : failOn) {
            if (counted.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /** Turns an open breaker half-open once its delay has passed; true when it did. Under the lock. */
    private boolean halfOpenIfDue() {
        if (state != State.OPEN || nanoTime.getAsLong() - openedAt < settings.delay().toNanos()) {
            return false;
        }
        state = State.HALF_OPEN;
        generation++;
        trials = 0;
        trialSuccesses = 0;
        return true;
    }

    private void toOpen() {
        state = State.OPEN;
        generation++;
        openedAt = nanoTime.getAsLong();
    }

    private void toClosed() {
        state = State.CLOSED;
        generation++;
        recorded = 0;
        next = 0;
        failures = 0;
        Arrays.fill(window, false);
    }
}
