package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class VersionsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T02:00:00.123456789Z");
    private static final long NOW_MICROS = 1_796_090_400_123_456L;

    @Test
    void startsAFreshSequenceAtTheClockInMicroseconds() {
        assertThat(Versions.floor(NOW)).isEqualTo(NOW_MICROS);
        assertThat(Versions.next(0, NOW)).isEqualTo(NOW_MICROS);
    }

    @Test
    void countsOnByOneWhileTheSequenceIsAheadOfTheClock() {
        assertThat(Versions.next(NOW_MICROS, NOW)).isEqualTo(NOW_MICROS + 1);
        assertThat(Versions.next(NOW_MICROS + 41, NOW)).isEqualTo(NOW_MICROS + 42);
    }

    @Test
    void jumpsAheadToTheClockSoASequenceThatStartsAgainLandsAboveEveryEarlierVersion() {
        long handedOutBeforeARestart = Versions.next(Versions.next(0, NOW), NOW);

        long afterTheRestart = Versions.next(0, NOW.plusMillis(1));

        assertThat(afterTheRestart).isGreaterThan(handedOutBeforeARestart);
    }

    @Test
    void staysExactAsAJavaScriptNumberForCenturies() {
        assertThat(Versions.floor(Instant.parse("2250-01-01T00:00:00Z"))).isLessThan(1L << 53);
    }
}
