package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Imports of projects ({@code POST /v1/admin/projects/{p}/import}). */
@ConfigMapping(prefix = "cache-domain.import")
public interface ImportConfig {

    String DEFAULT_MAX_BYTES = "268435456";

    /**
     * The largest import file, in bytes: it is held in memory while every line is checked, before
     * anything is written. Default 256 MiB.
     */
    @WithDefault(DEFAULT_MAX_BYTES)
    long maxBytes();
}
