package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The digit-by-digit form of a timestamp is exactly the pattern's, over the years it writes and past them. */
class TimestampsFormatTest {

    private static final DateTimeFormatter PATTERN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String byPattern(Instant instant) {
        return PATTERN.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void writesWhatThePatternWritesForAnyInstant() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-70_000_000_000L, 260_000_000_000L), random.nextInt(1_000_000_000));
            assertThat(Timestamps.format(instant)).as("%s", instant).isEqualTo(byPattern(instant));
        }
    }

    @Test
    void writesTheEdgesOfItsYearsAndBeyondThem() {
        for (Instant instant : new Instant[] {Instant.EPOCH, Instant.ofEpochMilli(-1), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("0000-01-01T00:00:00Z").minusNanos(1), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1), Instant.parse("2024-02-29T23:59:59.9995Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.5Z")}) {
            assertThat(Timestamps.format(instant)).as("%s", instant).isEqualTo(byPattern(instant));
        }
        assertThat(Timestamps.format(Instant.parse("2026-11-22T09:00:00.123456789Z"))).isEqualTo("2026-11-22T09:00:00.123Z");
    }
}
