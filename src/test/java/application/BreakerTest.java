package application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreBusyException;
import domain.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

class BreakerTest {

    private static final Duration DELAY = Duration.ofMillis(500);

    private final AtomicLong now = new AtomicLong();
    private final List<Breaker.State> changes = new ArrayList<>();

    /** Four outcomes counted, opens at two failures among them, two trials to close. */
    private final Breaker breaker = new Breaker("cache", new Breaker.Settings(4, 0.5, DELAY, 2),
            List.of(StoreUnavailableException.class), List.of(StoreBusyException.class), now::get, changes::add);

    private static final StoreUnavailableException DOWN = new StoreUnavailableException("down", null);

    /** Throws {@code failure}, checked or not, where the compiler expects none. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable failure) throws E {
        throw (E) failure;
    }

    private String succeed() {
        return breaker.guard(() -> Uni.createFrom().item("ok")).await().indefinitely();
    }

    private void fail(RuntimeException failure) {
        assertThatThrownBy(() -> breaker.guard(() -> Uni.createFrom().failure(failure)).await().indefinitely()).isSameAs(failure);
    }

    private void open() {
        for (int i = 0; i < 4; i++) {
            fail(DOWN);
        }
        assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void opensOnceTheShareOfFailuresInAFullWindowReachesTheRatio() {
        fail(DOWN);
        succeed();
        fail(DOWN);
        assertThat(breaker.state()).as("three outcomes: the window is not full yet").isEqualTo(Breaker.State.CLOSED);

        succeed();

        assertThat(breaker.state()).as("two failures in four").isEqualTo(Breaker.State.OPEN);
        assertThat(changes).containsExactly(Breaker.State.OPEN);
    }

    @Test
    void countsTheLatestOutcomesOnly() {
        fail(DOWN);
        succeed();
        succeed();
        succeed();
        succeed(); // the first failure leaves the window

        fail(DOWN);

        assertThat(breaker.state()).as("one failure in the latest four").isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void countsOnlyTheFailuresItIsToldToAndSkipsThoseItIsToldToSkip() {
        for (int i = 0; i < 8; i++) {
            fail(new IllegalArgumentException("a caller's mistake"));
            fail(new StoreBusyException("no room to queue", null));
        }

        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void countsAnOperationThatThrowsInsteadOfAnsweringAsAFailure() {
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> breaker.guard(() -> {
                throw DOWN;
            }).await().indefinitely()).isSameAs(DOWN);
        }

        assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void refusesEveryOperationAtOnceWhileOpenWithoutStartingIt() {
        open();
        AtomicInteger started = new AtomicInteger();

        assertThatThrownBy(() -> breaker.guard(() -> {
            started.incrementAndGet();
            return Uni.createFrom().item("ok");
        }).await().indefinitely()).isInstanceOf(CircuitBreakerOpenException.class).hasMessageContaining("cache");

        assertThat(started).hasValue(0);
    }

    @Test
    void letsItsTrialsThroughOnceTheDelayPassedAndClosesWhenAllSucceed() {
        open();
        now.addAndGet(DELAY.toNanos());
        assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);
        List<UniEmitter<? super String>> trials = new ArrayList<>();
        UniAssertSubscriber<String> first = breaker.guard(() -> Uni.createFrom().<String>emitter(trials::add))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> second = breaker.guard(() -> Uni.createFrom().<String>emitter(trials::add))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        breaker.guard(() -> Uni.createFrom().item("ok")).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(CircuitBreakerOpenException.class);
        trials.forEach(trial -> trial.complete("ok"));

        first.assertItem("ok");
        second.assertItem("ok");
        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(changes).containsExactly(Breaker.State.OPEN, Breaker.State.HALF_OPEN, Breaker.State.CLOSED);
    }

    @Test
    void opensAgainAtTheFirstFailedTrial() {
        open();
        now.addAndGet(DELAY.toNanos());

        fail(DOWN);

        assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
        now.addAndGet(DELAY.toNanos() - 1);
        assertThat(breaker.state()).as("a full delay again").isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void givesTheTrialPlaceOfACancelledTrialToAnother() {
        open();
        now.addAndGet(DELAY.toNanos());
        UniAssertSubscriber<String> first = breaker.guard(() -> Uni.createFrom().<String>nothing())
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> second = breaker.guard(() -> Uni.createFrom().<String>nothing())
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        first.cancel();

        assertThat(succeed()).isEqualTo("ok");
        second.cancel();
        assertThat(succeed()).isEqualTo("ok");
        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    }

    @Test
    void freesTheTrialPlaceOfATrialThatThrowsACheckedExceptionOrGivesNoUniAtAll() {
        open();
        now.addAndGet(DELAY.toNanos());

        assertThatThrownBy(() -> breaker.guard(() -> {
            throw BreakerTest.<RuntimeException>sneaky(new Exception("a checked failure, not a store failure"));
        }).await().indefinitely()).hasStackTraceContaining("a checked failure, not a store failure");
        assertThatThrownBy(() -> breaker.guard(() -> null).await().indefinitely()).isInstanceOf(NullPointerException.class);

        assertThat(breaker.state()).as("neither is a store failure: two successful trials").isEqualTo(Breaker.State.CLOSED);
        assertThat(succeed()).isEqualTo("ok");
    }

    @Test
    void leavesAnOutcomeOutOfAStateItsOperationWasNotLetThroughIn() {
        AtomicReference<UniEmitter<? super String>> slow = new AtomicReference<>();
        UniAssertSubscriber<String> late = breaker.guard(() -> Uni.createFrom().<String>emitter(slow::set))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        open();
        now.addAndGet(DELAY.toNanos());
        assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);

        slow.get().fail(DOWN);

        late.assertFailedWith(StoreUnavailableException.class);
        assertThat(breaker.state()).as("a failure from before it opened is not a failed trial").isEqualTo(Breaker.State.HALF_OPEN);
    }

    @Test
    void closesOnResetAndForgetsTheFailuresItCounted() {
        open();

        breaker.reset();

        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
        fail(DOWN);
        fail(DOWN);
        succeed();
        assertThat(breaker.state()).as("three outcomes since the reset").isEqualTo(Breaker.State.CLOSED);
        assertThat(changes).endsWith(Breaker.State.CLOSED);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new Breaker.Settings(0, 0.5, DELAY, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Breaker.Settings(20, 1.5, DELAY, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Breaker.Settings(20, 0, DELAY, 1)).as("it would open on successes")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Breaker.Settings(20, 0.5, Duration.ofMillis(-1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Breaker.Settings(20, 0.5, DELAY, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
