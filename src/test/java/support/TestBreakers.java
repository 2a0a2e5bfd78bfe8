package support;

import application.Breaker;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/** Circuit breakers for use cases wired by hand, outside the container. */
public final class TestBreakers {

    private TestBreakers() {
    }

    /** A breaker that counts no failure, so never opens: the use case's own behaviour, unguarded. */
    public static Breaker neverOpening(String name) {
        return new Breaker(name, new Breaker.Settings(20, 0.5, Duration.ofMillis(500), 1), List.of(), List.of(), System::nanoTime,
                state -> { });
    }

    /** A breaker already open, that stays open for an hour: it refuses every operation. */
    public static Breaker open(String name) {
        Breaker breaker = new Breaker(name, new Breaker.Settings(1, 1.0, Duration.ofHours(1), 1), List.of(RuntimeException.class),
                List.of(), System::nanoTime, state -> { });
        try {
            breaker.guard(() -> Uni.createFrom().failure(new IllegalStateException("the store failed"))).await().indefinitely();
        } catch (IllegalStateException expected) {
            // the failure that opened it
        }
        if (breaker.state() != Breaker.State.OPEN) {
            throw new IllegalStateException("the breaker did not open");
        }
        return breaker;
    }
}
