package application;

/**
 * What the deployment decides for the cache's failure policy.
 *
 * @param dropWritesWhenUnavailable when the store cannot take a write: {@code false} fails it (503),
 *                                  {@code true} accepts and drops it (the caller is told it was not stored)
 */
public record CacheSettings(boolean dropWritesWhenUnavailable) {
}
