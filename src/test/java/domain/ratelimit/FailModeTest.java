package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailModeTest {

    @Test
    void parsesOpenAndClosed() {
        assertThat(FailMode.parse("open")).isEqualTo(FailMode.OPEN);
        assertThat(FailMode.parse("closed")).isEqualTo(FailMode.CLOSED);
    }

    @Test
    void writesTheNameItParses() {
        assertThat(FailMode.OPEN.wireName()).isEqualTo("open");
        assertThat(FailMode.CLOSED.wireName()).isEqualTo("closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "OPEN", "Closed", "fail-open", "true"})
    void rejectsAnythingElse(String value) {
        assertThatThrownBy(() -> FailMode.parse(value))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("open or closed")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("failMode");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> FailMode.parse(null)).isInstanceOf(InvalidValueException.class);
    }
}
