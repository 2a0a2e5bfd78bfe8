package application;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this instance last noted each API key's use in the store, so that it notes a key's use at most
 * once per {@link #GRANULARITY}: a key's last-used time costs the store one write per key, minute and
 * instance, whatever the request rate, and that write is never on a request's path.
 *
 * <p>So a key's {@code lastUsedAt} is the time of the first request of such a minute on some instance:
 * at most a minute behind its real last use. Reads take no lock; a due note takes the map's bin lock once.
 */
final class KeyUses {

    /** The longest a key's noted last use trails its real one, per instance. */
    static final Duration GRANULARITY = Duration.ofMinutes(1);

    private final Clock clock;
    private final int capacity;
    private final Map<String, Instant> noted = new ConcurrentHashMap<>();

    /** @param capacity the most keys remembered; past it the memory starts again, costing at most one more note per key */
    KeyUses(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** The time to note for a use of this key now, when none was noted by this instance within the granularity. */
    Optional<Instant> due(String name) {
        Instant now = clock.instant();
        Instant last = noted.get(name);
        if (last != null && now.isBefore(last.plus(GRANULARITY))) {
            return Optional.empty();
        }
        if (noted.size() >= capacity && last == null) {
            noted.clear();
        }
        boolean[] mine = {false};
        noted.compute(name, (key, before) -> {
            if (before != null && now.isBefore(before.plus(GRANULARITY))) {
                return before;
            }
            mine[0] = true;
            return now;
        });
        return mine[0] ? Optional.of(now) : Optional.empty();
    }

    /** Forgets a revoked key. */
    void forget(String name) {
        noted.remove(name);
    }
}
