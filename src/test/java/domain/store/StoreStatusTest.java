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

    // --- a store of several nodes

    private static StoreStatus node(long used, long max, String policy, long latencyMillis, SlowCommand... slow) {
        return new StoreStatus("redis", Optional.of("7.2.4"), Duration.ofMillis(latencyMillis), used, max, new EvictionPolicy(policy),
                List.of(slow), slow.length);
    }

    @Test
    void acrossNodesHidesNoNodesTrouble() {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T12:00:00Z");
        SlowCommand older = new SlowCommand("EVALSHA", Duration.ofMillis(20), now.minusSeconds(60));
        SlowCommand newer = new SlowCommand("SCAN", Duration.ofMillis(30), now);

        StoreStatus across = StoreStatus.across(List.of(
                node(100, 1_000, "noeviction", 1, older),
                node(950, 1_000, "allkeys-lru", 7, newer),
                node(5_000, 0, "noeviction", 2)), 10);

        assertThat(across.latency()).isEqualTo(Duration.ofMillis(7));
        assertThat(across.usedPercent()).hasValue(95.0);
        assertThat(across.eviction().name()).isEqualTo("allkeys-lru");
        assertThat(across.slowCommands()).containsExactly(newer, older);
        assertThat(across.slowlogLength()).isEqualTo(2);
        assertThat(across.warnings()).hasSize(2);
    }

    @Test
    void acrossNodesWithoutLimitsAddsTheirMemory() {
        StoreStatus across = StoreStatus.across(List.of(node(100, 0, "noeviction", 1), node(200, 0, "noeviction", 1)), 10);

        assertThat(across.usedBytes()).isEqualTo(300);
        assertThat(across.usedPercent()).isEmpty();
        assertThat(across.warnings()).isEmpty();
    }
}
