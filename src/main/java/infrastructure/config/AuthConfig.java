package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Authentication settings. */
@ConfigMapping(prefix = "cache-domain.auth")
public interface AuthConfig {

    /**
     * The bootstrap admin key (all projects, all scopes), env {@code CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY}.
     * Unset by default: the service then generates one at start and logs it once.
     */
    Optional<String> bootstrapKey();
}
