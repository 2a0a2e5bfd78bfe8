package domain.progress;

import java.util.Locale;

/** What an event records; the wire name is the SSE event name. */
public enum ProgressEventType {
    STARTED,
    PROGRESS,
    COMPLETED,
    FAILED,
    STALLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == STALLED;
    }

    public static ProgressEventType parse(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
