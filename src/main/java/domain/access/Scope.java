package domain.access;

import domain.InvalidValueException;
import java.util.Arrays;

/** A capability an API key may use; the wire name is what callers write in a key's scopes. */
public enum Scope {
    CACHE_READ("cache:read"),
    CACHE_WRITE("cache:write"),
    SESSIONS("sessions"),
    RATE_LIMITS("rate-limits"),
    PROGRESS("progress"),
    /** Reading progress only: state, listings and event streams. {@link #PROGRESS} includes it. */
    PROGRESS_READ("progress:read"),
    TASKS("tasks"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True when holding this scope allows what {@code wanted} allows: itself, or a read scope it includes. */
    public boolean grants(Scope wanted) {
        return this == wanted || (this == PROGRESS && wanted == PROGRESS_READ);
    }

    /** Rule: one of the wire names listed in {@link #values()}. */
    public static Scope parse(String wireName) {
        return Arrays.stream(values())
                .filter(s -> s.wireName.equals(wireName))
                .findFirst()
                .orElseThrow(() -> new InvalidValueException(
                        "scope must be one of cache:read, cache:write, sessions, rate-limits, progress, progress:read, tasks, admin"));
    }
}
