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

    /** The type its wire name names. Rule: one of started, progress, completed, failed, stalled. */
    public static ProgressEventType parse(String wireName) {
        for (ProgressEventType type : values()) {
            if (type.wireName().equals(wireName)) {
                return type;
            }
        }
        throw new domain.InvalidValueException("an event's type is one of started, progress, completed, failed, stalled");
    }
}
