package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import application.Breaker;
import application.Breakers;
import application.Guards;
import application.StoreGuard;
import domain.StoreBusyException;
import domain.StoreUnavailableException;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The capabilities' guards as the service builds them: what opens their breakers, and what must not. */
@QuarkusTest
class StoreGuardsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    @Identifier(Guards.TASKS)
    StoreGuard tasks;

    @Inject
    Breakers breakers;

    @AfterEach
    void closeTheBreaker() {
        breakers.reset(Guards.TASKS);
    }

    private void fail(int times, RuntimeException failure) {
        for (int i = 0; i < times; i++) {
            try {
                tasks.get(() -> Uni.createFrom().failure(failure)).await().atMost(WAIT);
            } catch (CircuitBreakerOpenException refused) {
                // the breaker opened: the rest are refused without being tried
            } catch (RuntimeException expected) {
                assertThat(expected).isSameAs(failure);
            }
        }
    }

    @Test
    void leavesTheBreakerClosedWhenThisInstanceHadNoRoomToQueueItsCalls() {
        fail(40, new StoreBusyException("no room to queue", null));

        assertThat(breakers.state(Guards.TASKS)).isEqualTo(Breaker.State.CLOSED);
        assertThat(tasks.get(() -> Uni.createFrom().item("served")).await().atMost(WAIT)).isEqualTo("served");
    }

    @Test
    void buildsTheBreakerOfEveryCapabilityTheHealthReportAndMetricsName() {
        assertThat(Guards.BREAKERS).allSatisfy(name -> assertThat(breakers.registered(name)).as(name).isTrue());
    }

    @Test
    void opensTheBreakerWhenTheStoreFails() {
        fail(40, new StoreUnavailableException("down", null));

        assertThat(breakers.state(Guards.TASKS)).isEqualTo(Breaker.State.OPEN);
    }
}
