package domain.ratelimit;

import domain.InvalidValueException;

/** What a check decides when the store cannot answer: admit ({@code open}, the default) or refuse. */
public enum FailMode {
    OPEN,
    CLOSED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Rule: {@code open} or {@code closed}. */
    public static FailMode parse(String value) {
        if ("open".equals(value)) {
            return OPEN;
        }
        if ("closed".equals(value)) {
            return CLOSED;
        }
        throw new InvalidValueException("failMode", "failMode must be open or closed");
    }
}
