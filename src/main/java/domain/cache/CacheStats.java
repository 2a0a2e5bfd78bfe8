package domain.cache;

/** Access statistics of one project's cache: live entries, and reads that found or missed. */
public record CacheStats(long entries, long hits, long misses) {

    /** Hits over all reads, between 0 and 1; 0 before the first read. */
    public double hitRate() {
        long reads = hits + misses;
        return reads == 0 ? 0.0 : (double) hits / reads;
    }
}
