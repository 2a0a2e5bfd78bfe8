package application;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowOperationsTest {

    private final SlowOperations slow = new SlowOperations(Duration.ofMillis(100), Clock.systemUTC());

    @Test
    void remembersOnlyOperationsSlowerThanTheThreshold() {
        slow.record("cache.read", Duration.ofMillis(100), "ok");
        slow.record("cache.write", Duration.ofMillis(101), "unavailable");

        assertThat(slow.recent()).singleElement().satisfies(op -> {
            assertThat(op.operation()).isEqualTo("cache.write");
            assertThat(op.outcome()).isEqualTo("unavailable");
            assertThat(op.took()).isEqualTo(Duration.ofMillis(101));
        });
        assertThat(slow.total()).isEqualTo(1);
    }

    @Test
    void keepsTheNewestFirstAndABoundedNumberButCountsThemAll() {
        for (int i = 0; i < SlowOperations.KEPT + 5; i++) {
            slow.record("op.n" + i, Duration.ofSeconds(1), "ok");
        }

        assertThat(slow.recent()).hasSize(SlowOperations.KEPT);
        assertThat(slow.recent().get(0).operation()).isEqualTo("op.n" + (SlowOperations.KEPT + 4));
        assertThat(slow.total()).isEqualTo(SlowOperations.KEPT + 5);
    }
}
