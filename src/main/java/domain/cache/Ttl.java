package domain.cache;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * How long an entry lives after it was written.
 *
 * <p>Rule: a whole number of seconds, at least one. The upper bound is a deployment choice and is
 * enforced by {@link CachePolicy}.
 */
public record Ttl(Duration value) {

    public Ttl {
        if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0 || value.getNano() != 0) {
            throw new InvalidValueException("ttl must be a whole number of seconds, at least 1");
        }
    }

    public static Ttl ofSeconds(long seconds) {
        if (seconds < 1) {
            throw new InvalidValueException("ttl must be a whole number of seconds, at least 1");
        }
        return new Ttl(Duration.ofSeconds(seconds));
    }

    /** The seed's preset for project data: one hour. */
    public static Ttl projectData() {
        return ofSeconds(3600);
    }

    public long seconds() {
        return value.getSeconds();
    }

    public long millis() {
        return value.toMillis();
    }

    public boolean isLongerThan(Ttl other) {
        return value.compareTo(other.value) > 0;
    }
}
