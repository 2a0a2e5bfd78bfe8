package domain.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {

    @Test
    void noevictionAndTheEmbeddedStoresPolicyEndangerNothing() {
        assertThat(EvictionPolicy.NO_EVICTION.warning()).isEmpty();
        assertThat(EvictionPolicy.EMBEDDED.warning()).isEmpty();
        assertThat(new EvictionPolicy("noeviction").isSafe()).isTrue();
    }

    @Test
    void aVolatilePolicyCouldEvictSessionsAndCountersButNotApiKeys() {
        assertThat(new EvictionPolicy("volatile-lru").warning()).hasValueSatisfying(w -> assertThat(w)
                .contains("volatile-lru", "sessions", "rate limit counters", "noeviction").doesNotContain("API keys"));
    }

    @Test
    void anAllkeysPolicyCouldEvictApiKeysAndSessions() {
        assertThat(new EvictionPolicy("allkeys-lfu").warning()).hasValueSatisfying(w -> assertThat(w)
                .contains("allkeys-lfu", "API keys", "sessions", "noeviction"));
    }

    @Test
    void aStoreThatDoesNotTellItsPolicyIsWorthAWarning() {
        assertThat(EvictionPolicy.UNKNOWN.warning()).hasValueSatisfying(w -> assertThat(w).contains("noeviction"));
    }

    @Test
    void rejectsAPolicyWithoutAName() {
        assertThatThrownBy(() -> new EvictionPolicy(" ")).isInstanceOf(InvalidValueException.class);
    }
}
