package domain.ratelimit;

import domain.InvalidValueException;
import java.time.Duration;

/**
 * The span a limit counts over. Rule: a whole number of seconds from 1 second to 366 days.
 */
public record Window(Duration length) {

    public static final long MAX_SECONDS = 366L * 24 * 3600;

    public Window {
        if (length == null || length.getNano() != 0 || length.getSeconds() < 1 || length.getSeconds() > MAX_SECONDS) {
            throw new InvalidValueException("windowSeconds", "windowSeconds must be between 1 and " + MAX_SECONDS);
        }
    }

    public static Window ofSeconds(long seconds) {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new InvalidValueException("windowSeconds", "windowSeconds must be between 1 and " + MAX_SECONDS);
        }
        return new Window(Duration.ofSeconds(seconds));
    }

    public static Window minute() {
        return ofSeconds(60);
    }

    public static Window hour() {
        return ofSeconds(3600);
    }

    public static Window day() {
        return ofSeconds(86_400);
    }

    public long seconds() {
        return length.getSeconds();
    }

    public long millis() {
        return length.toMillis();
    }
}
