package domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), 10);

    @Test
    void waitsTheMinimumBeforeTheFirstRetryAndDoublesAfter() {
        assertThat(POLICY.delayBefore(1, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(POLICY.delayBefore(2, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(POLICY.delayBefore(3, 0)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void neverWaitsLongerThanTheMaximumEvenAfterManyRetries() {
        assertThat(POLICY.delayBefore(7, 0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(POLICY.delayBefore(100, 0)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void jitterTakesUpToHalfOfTheDelayAway() {
        assertThat(POLICY.delayBefore(3, 0.5)).isEqualTo(Duration.ofSeconds(3));
        assertThat(POLICY.delayBefore(3, 0.999)).isEqualTo(Duration.ofMillis(2002));
    }

    @Test
    void jitterNeverTakesTheDelayBelowTheMinimum() {
        assertThat(POLICY.delayBefore(1, 0.9)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refusesJitterOutsideZeroToOne() {
        assertThatThrownBy(() -> POLICY.delayBefore(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAttemptsOutsideOneToAHundred() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 0))
                .isInstanceOf(InvalidValueException.class).hasMessage("maxAttempts must be between 1 and 100");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 101))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void refusesAMaximumBelowTheMinimumOrBeyondThirtyDays() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("maxDelay");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofDays(31), 3))
                .isInstanceOf(InvalidValueException.class);
    }
}
