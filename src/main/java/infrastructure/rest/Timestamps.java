package infrastructure.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one form of every timestamp the service writes: an ISO-8601 UTC string with exactly three
 * fraction digits ({@code 2026-11-22T09:00:00.000Z}), whatever precision the clock gave.
 *
 * <p>One serializer for every {@link Instant}, rather than truncation where each one is made, so that
 * no new field can slip back to nanoseconds (a stream ticket's {@code expiresAt} and the health
 * report's {@code at} once did) or to a varying number of digits. Time is truncated, never rounded up:
 * an expiry shown is never later than the real one.
 */
@Singleton
public class Timestamps implements ObjectMapperCustomizer {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The wire form of {@code instant}. Written digit by digit for the years 0 to 9999 (every response
     * has a few timestamps, and the pattern formatter cost several per cent of a cache read's CPU);
     * by the pattern for any other.
     */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
            return MILLIS.format(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        char[] c = new char[24];
        digits(c, 0, t.getYear(), 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, instant.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years the fast form writes. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;

    private static void digits(char[] into, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Last of all customizers: a serializer registered later wins, and Quarkus registers Java time's own before. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("timestamps").addSerializer(Instant.class, new Writer()));
    }

    /** Writes an instant in its wire form. */
    static final class Writer extends StdSerializer<Instant> {

        Writer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(format(value));
        }
    }
}
