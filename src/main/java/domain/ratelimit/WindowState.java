package domain.ratelimit;

/**
 * One window of one identifier: the units counted in the current fixed window, in the one before
 * it, and how far into the current one the moment of the reading is.
 */
public record WindowState(long current, long previous, long elapsedMillis) {

    /** A window that has counted nothing. */
    public static WindowState empty(long elapsedMillis) {
        return new WindowState(0, 0, elapsedMillis);
    }
}
