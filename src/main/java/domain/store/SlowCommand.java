package domain.store;

import java.time.Duration;
import java.time.Instant;

/**
 * One command the store itself logged as slow: its name only, never its arguments (which hold
 * keys, values and digests).
 */
public record SlowCommand(String command, Duration took, Instant at) {
}
