package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {

    @Test
    void acceptsOneSecond() {
        assertThat(Ttl.ofSeconds(1).value()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsZeroSeconds() {
        assertThatThrownBy(() -> Ttl.ofSeconds(0))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void rejectsNegativeSeconds() {
        assertThatThrownBy(() -> Ttl.ofSeconds(-5)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsZeroAndNegativeDurations() {
        assertThatThrownBy(() -> new Ttl(Duration.ZERO)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Ttl(Duration.ofSeconds(-1))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsDurationsWithAFractionOfASecond() {
        assertThatThrownBy(() -> new Ttl(Duration.ofMillis(1500)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("whole number of seconds");
        assertThatThrownBy(() -> new Ttl(Duration.ofSeconds(10).plusNanos(1))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsDurationsShorterThanOneSecond() {
        assertThatThrownBy(() -> new Ttl(Duration.ofMillis(999))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> new Ttl(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void answersItsLengthInSecondsAndMillis() {
        Ttl ttl = Ttl.ofSeconds(90);

        assertThat(ttl.seconds()).isEqualTo(90);
        assertThat(ttl.millis()).isEqualTo(90_000);
    }

    @Test
    void acceptsAWholeDurationGivenInMinutes() {
        assertThat(new Ttl(Duration.ofMinutes(2)).seconds()).isEqualTo(120);
    }

    @Test
    void comparesLengths() {
        assertThat(Ttl.ofSeconds(61).isLongerThan(Ttl.ofSeconds(60))).isTrue();
        assertThat(Ttl.ofSeconds(60).isLongerThan(Ttl.ofSeconds(60))).isFalse();
        assertThat(Ttl.ofSeconds(59).isLongerThan(Ttl.ofSeconds(60))).isFalse();
    }

    @Test
    void projectDataPresetIsOneHour() {
        assertThat(Ttl.projectData().seconds()).isEqualTo(3600);
    }
}
