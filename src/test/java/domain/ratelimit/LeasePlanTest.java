package domain.ratelimit;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.perMinute;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeasePlanTest {

    private static final LeasePlan PLAN = new LeasePlan(100, Duration.ofSeconds(1), Duration.ofSeconds(1));

    @Test
    void leasesTheDefaultApiPolicyOfSixThousandAMinuteSixtyAtATime() {
        assertThat(PLAN.batch(policy(0, limit(6_000, 60), limit(200_000, 3_600)))).isEqualTo(60);
    }

    @Test
    void leasesAPolicyOfTenAMinuteOneUnitAtATime() {
        assertThat(PLAN.batch(perMinute(10))).isEqualTo(1);
    }

    @Test
    void neverLeasesMoreThanTheLargestBatch() {
        assertThat(PLAN.batch(perMinute(1_000_000))).isEqualTo(100);
    }

    @Test
    void takesTheSmallestCapacityBurstIncludedAsTheMeasure() {
        assertThat(PLAN.batch(policy(500, limit(2_500, 60), limit(1_000_000, 3_600)))).isEqualTo(30);
    }

    @Test
    void refusesABatchBelowOneAndALifetimeOfNothing() {
        assertThatThrownBy(() -> new LeasePlan(0, Duration.ofSeconds(1), Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new LeasePlan(10, Duration.ZERO, Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new LeasePlan(10, Duration.ofSeconds(1), Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidValueException.class);
    }
}
