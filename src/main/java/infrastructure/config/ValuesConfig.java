package infrastructure.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How values are kept at rest: compressed above a size, encrypted for the projects that ask. Values
 * written under other settings stay readable: each stored value names how it was written.
 */
@ConfigMapping(prefix = "cache-domain.values")
public interface ValuesConfig {

    Compression compression();

    Encryption encryption();

    /** Settings of single projects, by project id, over the service's own. Default none. */
    Map<String, ProjectValues> projects();

    /** zstd compression of values at least {@link #minSize()} long. */
    interface Compression {

        /** Whether values are compressed at all. Default {@code true}. */
        @WithDefault("true")
        boolean enabled();

        /** The smallest value compressed, in bytes of its JSON text. Default 1K. */
        @WithName("min-size")
        @WithDefault("1K")
        MemorySize minSize();

        /** The zstd level, 1 (fastest) to 19. Default 3. */
        @WithDefault("3")
        int level();
    }

    /** AES-256-GCM encryption, with a data keyset of each project's own wrapped by the key-encryption key. */
    interface Encryption {

        /** Whether every project's values are encrypted. Default {@code false}. */
        @WithDefault("false")
        boolean enabled();

        /** Projects whose values are encrypted even when {@link #enabled()} is false. Default none. */
        Optional<Set<String>> projects();

        /**
         * The key-encryption key: 32 random bytes in base64 ({@code openssl rand -base64 32}). Prefer
         * the environment ({@code CACHE_DOMAIN_VALUES_ENCRYPTION_KEY}) or {@link #keyFile()} to a
         * file under version control. Never logged. Default none: encryption cannot be enabled.
         */
        Optional<String> key();

        /** A file holding {@link #key()} instead (a mounted secret). Default none. */
        @WithName("key-file")
        Optional<Path> keyFile();

        /**
         * How long a project's keyset is used before it is read again from the store, so that a key
         * rotated on another instance is taken up within it. Default 10s.
         */
        @WithName("keyset-refresh")
        @WithDefault("10s")
        Duration keysetRefresh();
    }

    /** One project's settings; each one left out is the service's. */
    interface ProjectValues {

        /** Whether this project's values are compressed. */
        Optional<Boolean> compression();

        /** The zstd level for this project. */
        @WithName("compression-level")
        Optional<Integer> compressionLevel();

        /** The smallest value compressed for this project. */
        @WithName("compression-min-size")
        Optional<MemorySize> compressionMinSize();

        /** Whether this project's values are encrypted. */
        Optional<Boolean> encryption();
    }
}
