package domain.cache;

import java.time.Instant;

/**
 * The rule that makes a cache version unique for good: a write takes the larger of the project's
 * last version + 1 and the write's time in microseconds since the epoch.
 *
 * <p>So a sequence that starts again from nothing (a restarted embedded store, a Redis sequence key
 * that expired, was evicted or lost) starts above every version handed out before, and an old ETag
 * can never match a newer entry. It holds as long as the clock never steps back past the versions
 * handed out, and no project writes more than a million times a second for long. Versions stay below
 * 2<sup>53</sup> (until the year 2255), so a JavaScript client reads them exactly. Every store applies
 * this rule in the same atomic step that writes the entry ({@code cache_put.lua} mirrors it).
 */
public final class Versions {

    /** The largest version: 2<sup>53</sup> - 1, exact in every JSON reader and in Redis's Lua numbers. */
    public static final long MAX = (1L << 53) - 1;

    private Versions() {
    }

    /** The version of a write at {@code now} after the project's last version {@code previous} (0 when the store knows none). */
    public static long next(long previous, Instant now) {
        return Math.max(previous + 1, floor(now));
    }

    /**
     * The version of a write at {@code now} after {@code previous} that must also be at least
     * {@code atLeast} (an imported entry's version where it came from; 0 for none).
     */
    public static long next(long previous, Instant now, long atLeast) {
        return Math.max(next(previous, now), atLeast);
    }

    /** The smallest version a write at {@code now} can take: the time in whole microseconds since the epoch. */
    public static long floor(Instant now) {
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }
}
