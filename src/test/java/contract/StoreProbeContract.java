package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.store.StoreProbe;
import domain.store.StoreStatus;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store probe must tell about a healthy store. */
public abstract class StoreProbeContract {

    protected StoreProbe probe;

    protected abstract StoreProbe newProbe();

    @BeforeEach
    void createProbe() {
        probe = newProbe();
    }

    protected StoreStatus probed() {
        return probe.probe().await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void tellsWhichStoreItIsItsMemoryAndThatNothingIsAtRisk() {
        StoreStatus status = probed();

        assertThat(status.store()).isIn("redis", "memory");
        assertThat(status.usedBytes()).isPositive();
        assertThat(status.maxBytes()).isNotNegative();
        assertThat(status.latency().isNegative()).isFalse();
        assertThat(status.eviction().isSafe()).as("the test stores are set up safely").isTrue();
        assertThat(status.warnings()).isEmpty();
    }
}
