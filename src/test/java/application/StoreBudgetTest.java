package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.StoreUnavailableException;
import domain.store.StorePulse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The store budget on a hand-driven clock and timer: a stall is declared only when the store
 * answered nothing during a budget, a late timer or an answering store buys more time up to the cap,
 * and once a stall is seen later calls fail at once until the store answers again.
 */
class StoreBudgetTest {

    private static final long MS = 1_000_000;
    private static final Duration BUDGET = Duration.ofMillis(50);
    private static final Duration CAP = Duration.ofMillis(1000);

    private final Clock clock = new Clock();
    private final StorePulse pulse = new StorePulse(clock::now);
    private final StoreBudget budget = new StoreBudget(pulse, clock, BUDGET, CAP);

    @Test
    void passesOnTheStoresAnswerWithinTheBudget() {
        Pending<String> store = new Pending<>();
        UniAssertSubscriber<String> check = subscribe(budget.call(store::uni));

        clock.advance(10);
        store.answer("counted");

        check.assertItem("counted");
        clock.advance(100);
        assertThat(budget.stalled()).isFalse();
    }

    @Test
    void failsAsAStalledStoreWhenTheStoreAnsweredNothingDuringTheBudget() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));

        clock.advance(49);
        check.assertNotTerminated();
        clock.advance(1);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(budget.stalled()).isTrue();
    }

    @Test
    void keepsWaitingWhileTheStoreAnswersOtherCalls() {
        Pending<String> store = new Pending<>();
        UniAssertSubscriber<String> check = subscribe(budget.call(store::uni));

        for (int budgets = 0; budgets < 5; budgets++) {
            clock.advance(30);
            pulse.answered();
            clock.advance(20);
        }
        check.assertNotTerminated();
        store.answer("late but counted");

        check.assertItem("late but counted");
        assertThat(budget.stalled()).isFalse();
    }

    @Test
    void declaresAStallWhenTheStoreStopsAnsweringMidCall() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));

        clock.advance(30);
        pulse.answered();
        clock.advance(20);
        check.assertNotTerminated();
        clock.advance(50);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aTimerThatFiresLateGivesAFreshBudgetNotAVerdict() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));

        clock.pauseTimers();
        clock.advance(200);
        clock.resumeTimers();
        check.assertNotTerminated();
        clock.advance(50);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void answersWaitingInThisProcesssQueuesAreProgressNotAStall() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));
        clock.queued = pulse::answered;

        clock.advance(50);
        check.assertNotTerminated();
        clock.queued = () -> { };
        clock.advance(50);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aSilenceTheStoresHeartbeatAnswersIsThisProcesssNotAStall() {
        AtomicInteger beats = new AtomicInteger();
        // The store answers the heartbeat 2 ms after it is asked: it is alive, only our calls are not through yet.
        StoreBudget asking = new StoreBudget(pulse, clock, () -> {
            beats.incrementAndGet();
            clock.schedule(2 * MS, pulse::answered);
        }, BUDGET, CAP);
        Pending<String> store = new Pending<>();
        UniAssertSubscriber<String> check = subscribe(asking.call(store::uni));

        clock.advance(120);
        check.assertNotTerminated();
        store.answer("counted once connected");

        check.assertItem("counted once connected");
        assertThat(beats).hasValueGreaterThanOrEqualTo(2);
        assertThat(asking.stalled()).isFalse();
    }

    @Test
    void aHeartbeatTheStoreLeavesUnansweredEndsInAStallAnEighthOfTheBudgetLater() {
        AtomicInteger beats = new AtomicInteger();
        StoreBudget asking = new StoreBudget(pulse, clock, beats::incrementAndGet, BUDGET, CAP);
        UniAssertSubscriber<String> check = subscribe(asking.call(new Pending<String>()::uni));

        clock.advance(50);
        check.assertNotTerminated();
        clock.advance(7);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(beats).hasValue(1);
    }

    @Test
    void aSlowCatchUpWithThisProcesssOwnWorkGivesAFreshBudgetNotAVerdict() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));
        clock.catchUpMillis = 30;

        clock.advance(50);
        check.assertNotTerminated();
        clock.catchUpMillis = 0;
        clock.advance(50);

        assertThat(check.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void givesUpAtTheCapWithoutCallingTheStoreStalled() {
        UniAssertSubscriber<String> check = subscribe(budget.call(new Pending<String>()::uni));

        for (int ms = 0; ms < 1000; ms += 10) {
            pulse.answered();
            clock.advance(10);
        }

        assertThat(check.assertFailed().getFailure()).isInstanceOf(TimeoutException.class);
        assertThat(budget.stalled()).as("an answering store is not stalled").isFalse();
    }

    @Test
    void afterAStallLaterCallsFailAtOnceWithoutReachingTheStore() {
        stall();
        AtomicInteger sent = new AtomicInteger();

        UniAssertSubscriber<String> next = subscribe(budget.call(() -> {
            sent.incrementAndGet();
            return Uni.createFrom().item("counted");
        }));

        assertThat(next.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(sent).hasValue(0);
    }

    @Test
    void aStallEndsWhenTheStoreAnswersAgain() {
        stall();
        clock.advance(1);
        pulse.answered();

        UniAssertSubscriber<String> next = subscribe(budget.call(() -> Uni.createFrom().item("counted")));

        next.assertItem("counted");
        assertThat(budget.stalled()).isFalse();
    }

    @Test
    void oneTrialCallPerBudgetReachesAStalledStore() {
        stall();
        clock.advance(50);
        Pending<String> store = new Pending<>();

        UniAssertSubscriber<String> trial = subscribe(budget.call(store::uni));
        UniAssertSubscriber<String> other = subscribe(budget.call(() -> Uni.createFrom().item("never sent")));

        trial.assertNotTerminated();
        other.assertFailed();
        pulse.answered();
        store.answer("back");
        trial.assertItem("back");
        subscribe(budget.call(() -> Uni.createFrom().item("counted"))).assertItem("counted");
    }

    @Test
    void aReadWhileStalledStillGoesToTheStoreWithAFullBudget() {
        stall();
        Pending<String> store = new Pending<>();

        subscribe(budget.read(() -> Uni.createFrom().item("from memory"))).assertItem("from memory");
        UniAssertSubscriber<String> read = subscribe(budget.read(store::uni));
        clock.advance(40);
        read.assertNotTerminated();
        clock.advance(10);

        assertThat(read.assertFailed().getFailure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.cancelled).as("the read that got no answer is dropped").isTrue();
    }

    @Test
    void aCallerThatGoesAwayCancelsTheTimerAndTheCall() {
        Pending<String> store = new Pending<>();
        UniAssertSubscriber<String> check = subscribe(budget.call(store::uni));

        check.cancel();
        clock.advance(100);

        assertThat(store.cancelled).isTrue();
        assertThat(budget.stalled()).as("a cancelled call gives no verdict").isFalse();
    }

    private void stall() {
        UniAssertSubscriber<String> first = subscribe(budget.call(new Pending<String>()::uni));
        clock.advance(50);
        first.assertFailed();
        assertThat(budget.stalled()).isTrue();
    }

    private static <T> UniAssertSubscriber<T> subscribe(Uni<T> uni) {
        return uni.subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    /** A store call that answers when the test says so. */
    private static final class Pending<T> {

        private final AtomicReference<UniEmitter<? super T>> emitter = new AtomicReference<>();
        private volatile boolean cancelled;

        Uni<T> uni() {
            return Uni.createFrom().<T>emitter(emitter::set).onCancellation().invoke(() -> cancelled = true);
        }

        void answer(T item) {
            emitter.get().complete(item);
        }
    }

    /** A ticker and a timer that move only when the test advances them; paused timers fire late. */
    private static final class Clock implements StoreBudget.Timer {

        private long now = 1_000 * MS;
        private boolean paused;
        /** What this process finds in its own queues when it catches up before a verdict. */
        private Runnable queued = () -> { };
        private long catchUpMillis;
        private final List<Task> tasks = new ArrayList<>();

        private record Task(long due, Runnable run, boolean[] cancelled) {
        }

        long now() {
            return now;
        }

        @Override
        public Cancellable schedule(long delayNanos, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(now + delayNanos, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advance(long millis) {
            long end = now + millis * MS;
            while (true) {
                Task next = paused ? null : tasks.stream().filter(t -> t.due() <= end).min((a, b) -> Long.compare(a.due(), b.due())).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                now = Math.max(now, next.due());
                if (!next.cancelled()[0]) {
                    next.run().run();
                }
            }
            now = Math.max(now, end);
        }

        @Override
        public void settle(Runnable task) {
            now += catchUpMillis * MS;
            queued.run();
            task.run();
        }

        void pauseTimers() {
            paused = true;
        }

        /** Fires every overdue timer now, late. */
        void resumeTimers() {
            paused = false;
            advance(0);
        }
    }
}
