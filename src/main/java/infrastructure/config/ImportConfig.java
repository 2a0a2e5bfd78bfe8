package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Imports of projects ({@code POST /v1/admin/projects/{p}/import}). */
@ConfigMapping(prefix = "cache-domain.import")
public interface ImportConfig {

    String DEFAULT_MAX_BYTES = "33554432";

    /**
     * The largest import file, in bytes: it is held in memory while every line is checked, before
     * anything is written, one import at a time per instance (count about three times this in heap).
     * Default 32 MiB.
     */
    @WithDefault(DEFAULT_MAX_BYTES)
    long maxBytes();
}
