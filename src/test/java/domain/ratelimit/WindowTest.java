package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void acceptsOneSecond() {
        assertThat(Window.ofSeconds(1).millis()).isEqualTo(1_000);
    }

    @Test
    void accepts366Days() {
        assertThat(Window.ofSeconds(366L * 86_400).seconds()).isEqualTo(Window.MAX_SECONDS);
        assertThat(new Window(Duration.ofDays(366)).seconds()).isEqualTo(31_622_400);
    }

    @Test
    void rejectsMoreThan366Days() {
        assertThatThrownBy(() -> Window.ofSeconds(Window.MAX_SECONDS + 1))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("between 1 and 31622400")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("windowSeconds");
        assertThatThrownBy(() -> new Window(Duration.ofDays(367))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsZeroAndNegativeLengths() {
        assertThatThrownBy(() -> Window.ofSeconds(0)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> Window.ofSeconds(-60)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Window(Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Window(Duration.ofSeconds(-1))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsAFractionOfASecond() {
        assertThatThrownBy(() -> new Window(Duration.ofMillis(1_500)))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("windowSeconds");
        assertThatThrownBy(() -> new Window(Duration.ofMillis(999))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Window(Duration.ofSeconds(60).plusNanos(1))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> new Window(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void namesTheCommonLengths() {
        assertThat(Window.minute().seconds()).isEqualTo(60);
        assertThat(Window.hour().seconds()).isEqualTo(3_600);
        assertThat(Window.day().seconds()).isEqualTo(86_400);
        assertThat(Window.minute()).isEqualTo(new Window(Duration.ofMinutes(1)));
    }
}
