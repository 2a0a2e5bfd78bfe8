package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits of the project cache. */
@ConfigMapping(prefix = "cache-domain.cache")
public interface CacheConfig {

    /** The default of {@link #maxValueBytes()}, which also sizes the HTTP layer's body limit. */
    String DEFAULT_MAX_VALUE_BYTES = "1048576";

    /** TTL of an entry written without one, in seconds. Default 3600; alias {@code CACHE_PROJECT_DATA_TTL}. */
    @WithDefault("3600")
    long defaultTtl();

    /** The longest TTL a write may ask for, in seconds. Default 2592000 (30 days). */
    @WithDefault("2592000")
    long maxTtl();

    /** The largest value, in bytes of its JSON text; larger gives 413. Default 1048576 (1 MiB). */
    @WithDefault(DEFAULT_MAX_VALUE_BYTES)
    long maxValueBytes();

    /** The most tags one entry may carry. Default 16. */
    @WithDefault("16")
    int maxTagsPerEntry();

    /**
     * What a write does when the store cannot take it: {@code reject} answers 503, {@code drop}
     * answers 202 with {@code "stored": false} (for caches whose writers must never fail). Default {@code reject}.
     */
    @WithDefault("reject")
    WriteFailure writeFailure();

    /**
     * Reads counted in process before their statistics (hits, misses, last access) go to the store in
     * one batch, so that a read is a pure read of the store. Default 10000 (the seed's 100 made the
     * embedded store spend most of its writer on statistics); alias {@code CACHE_METRICS_BUFFER_SIZE}.
     */
    @WithDefault("10000")
    int readBufferSize();

    /**
     * The longest read statistics wait in process before their batch goes: how far behind another
     * instance's reads may show, and what a crash may lose of them. Default 1s.
     */
    @WithDefault("1s")
    Duration readFlushInterval();

    /** The choices for {@link #writeFailure()}. */
    enum WriteFailure {
        reject,
        drop
    }
}
