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

    /** The wire form of {@code instant}. */
    public static String format(Instant instant) {
        return MILLIS.format(instant.truncatedTo(ChronoUnit.MILLIS));
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
