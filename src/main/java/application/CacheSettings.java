package application;

import java.time.Duration;

/**
 * What the deployment decides for the cache's failure policy and its read statistics.
 *
 * @param dropWritesWhenUnavailable when the store cannot take a write: {@code false} fails it (503),
 *                                  {@code true} accepts and drops it (the caller is told it was not stored)
 * @param readBufferSize            reads counted in process before their statistics go to the store in one batch
 * @param readFlushInterval         the longest reads are held before their batch goes
 * @param readRecordTimeout         the longest the store may take to record one part of a batch (the store timeout)
 */
public record CacheSettings(boolean dropWritesWhenUnavailable, int readBufferSize, Duration readFlushInterval,
        Duration readRecordTimeout) {

    public CacheSettings {
        if (readBufferSize < 1) {
            throw new IllegalArgumentException("Cannot buffer fewer than one cache read, not " + readBufferSize);
        }
        if (readFlushInterval.isNegative() || readFlushInterval.isZero()) {
            throw new IllegalArgumentException("Cannot flush cache read statistics every " + readFlushInterval);
        }
    }
}
