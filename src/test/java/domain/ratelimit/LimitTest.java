package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;

class LimitTest {

    @Test
    void acceptsOneRequest() {
        assertThat(Limit.of(1, Window.minute()).requests()).isEqualTo(1);
    }

    @Test
    void acceptsOneBillionRequests() {
        assertThat(Limit.of(1_000_000_000L, Window.day()).requests()).isEqualTo(Limit.MAX_REQUESTS);
    }

    @Test
    void rejectsZeroAndNegativeRequests() {
        assertThatThrownBy(() -> Limit.of(0, Window.minute()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("between 1 and 1000000000")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("requests");
        assertThatThrownBy(() -> Limit.of(-1, Window.minute())).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsMoreThanOneBillionRequests() {
        assertThatThrownBy(() -> Limit.of(1_000_000_001L, Window.minute()))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("requests");
    }
}
