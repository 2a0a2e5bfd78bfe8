package domain.ratelimit;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitPolicyTest {

    private static final RateLimitPolicy MINUTE_AND_HOUR = policy(5, limit(100, 3_600), limit(10, 60));

    @Test
    void acceptsOneLimit() {
        assertThat(policy(0, limit(10, 60)).limits()).hasSize(1);
    }

    @Test
    void acceptsEightLimits() {
        assertThat(new RateLimitPolicy(PolicyName.of("eight"), limits(8), 0, FailMode.OPEN).limits()).hasSize(8);
    }

    @Test
    void rejectsNineLimits() {
        assertThatThrownBy(() -> new RateLimitPolicy(PolicyName.of("nine"), limits(9), 0, FailMode.OPEN))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 8 limits")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("limits");
    }

    @Test
    void rejectsNoLimits() {
        assertThatThrownBy(() -> new RateLimitPolicy(PolicyName.of("none"), List.of(), 0, FailMode.OPEN))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("limits");
        assertThatThrownBy(() -> new RateLimitPolicy(PolicyName.of("none"), null, 0, FailMode.OPEN))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsTwoLimitsOnTheSameWindowNamingTheSecondAsGiven() {
        assertThatThrownBy(() -> policy(0, limit(10, 60), limit(100, 3_600), limit(20, 60)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("its own window")
                .hasMessageContaining("limits[0]")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("limits[2].windowSeconds");
    }

    @Test
    void namesTheBurstWhenItIsOutOfRange() {
        assertThatThrownBy(() -> policy(-1, limit(10, 60)))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("burst");
    }

    @Test
    void ordersItsLimitsByWindow() {
        RateLimitPolicy policy = policy(0, limit(1_000, 86_400), limit(10, 1), limit(100, 3_600), limit(50, 60));

        assertThat(policy.limits()).extracting(l -> l.window().seconds()).containsExactly(1L, 60L, 3_600L, 86_400L);
        assertThat(policy.limits()).extracting(Limit::requests).containsExactly(10L, 50L, 100L, 1_000L);
    }

    @Test
    void cannotBeChangedThroughTheListItWasGiven() {
        List<Limit> given = new ArrayList<>(List.of(limit(10, 60)));
        RateLimitPolicy policy = new RateLimitPolicy(PolicyName.of("p"), given, 0, FailMode.OPEN);

        given.add(limit(100, 3_600));

        assertThat(policy.limits()).hasSize(1);
        assertThatThrownBy(() -> policy.limits().add(limit(1, 1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsZeroAndOneBillionBurst() {
        assertThat(policy(0, limit(10, 60)).burst()).isZero();
        assertThat(policy(1_000_000_000L, limit(10, 60)).burst()).isEqualTo(1_000_000_000L);
    }

    @Test
    void rejectsANegativeBurst() {
        assertThatThrownBy(() -> policy(-1, limit(10, 60)))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("burst");
    }

    @Test
    void rejectsABurstAboveOneBillion() {
        assertThatThrownBy(() -> policy(1_000_000_001L, limit(10, 60)))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("burst");
    }

    @Test
    void givesEveryWindowItsRequestsPlusTheBurst() {
        assertThat(MINUTE_AND_HOUR.capacity(MINUTE_AND_HOUR.limits().get(0))).isEqualTo(15);
        assertThat(MINUTE_AND_HOUR.capacity(MINUTE_AND_HOUR.limits().get(1))).isEqualTo(105);
    }

    @Test
    void allowsACostUpToTheSmallestCapacity() {
        assertThat(MINUTE_AND_HOUR.maxCost()).isEqualTo(15);
        assertThat(policy(0, limit(500, 60), limit(100, 3_600)).maxCost()).isEqualTo(100);
    }

    @Test
    void acceptsACostFromOneToTheMaximum() {
        assertThat(MINUTE_AND_HOUR.checkCost(1)).isEqualTo(1);
        assertThat(MINUTE_AND_HOUR.checkCost(15)).isEqualTo(15);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -100, 16, Long.MAX_VALUE, Long.MIN_VALUE})
    void rejectsACostThatCouldNeverBeAdmitted(long cost) {
        assertThatThrownBy(() -> MINUTE_AND_HOUR.checkCost(cost))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("between 1 and 15")
                .hasMessageContaining("test")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("cost");
    }

    private static List<Limit> limits(int n) {
        List<Limit> limits = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            limits.add(limit(10L * i, 60L * i));
        }
        return limits;
    }
}
