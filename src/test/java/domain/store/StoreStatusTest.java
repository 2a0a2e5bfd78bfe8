package domain.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreStatusTest {

    private static StoreStatus redis(long used, long max, String policy) {
        return new StoreStatus("redis", Optional.of("7.2.4"), Duration.ofMillis(1), used, max, new EvictionPolicy(policy),
                List.of(), 0);
    }

    @Test
    void hasNoPercentageWithoutAMemoryLimit() {
        assertThat(redis(1_000, 0, "noeviction").usedPercent()).isEmpty();
        assertThat(redis(1_000, 0, "noeviction").warnings()).isEmpty();
    }

    @Test
    void givesMemoryUsedAsAPercentageOfTheLimit() {
        assertThat(redis(250, 1_000, "noeviction").usedPercent()).hasValue(25.0);
    }

    @Test
    void warnsWhenMemoryIsNinetyPercentFull() {
        assertThat(redis(899, 1_000, "noeviction").warnings()).isEmpty();
        assertThat(redis(900, 1_000, "noeviction").warnings()).singleElement().asString().contains("90.0%");
    }

    @Test
    void warnsAboutTheEvictionPolicyAndMemoryTogether() {
        assertThat(redis(950, 1_000, "allkeys-lru").warnings()).hasSize(2);
    }
}
