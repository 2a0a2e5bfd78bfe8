package support;

import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How long a request may wait while the store fails, from the running service's own settings: the
 * timeouts one API key request can meet in sequence (the key lookup, the quota check's policy lookup
 * and count, the operation), plus a margin for HTTP and a loaded test machine.
 */
public final class Bounds {

    /** Room for HTTP, scheduling and garbage collection on a shared two-core machine. */
    public static final Duration MARGIN = Duration.ofSeconds(1);

    private Bounds() {
    }

    /** The longest an API key request may take while the store does not answer. */
    public static Duration apiKeyRequest() {
        Config config = ConfigProvider.getConfig();
        Duration lookup = config.getValue("cache-domain.auth.lookup-timeout", Duration.class);
        Duration quota = config.getValue("cache-domain.rate-limits.store-timeout", Duration.class);
        Duration operation = config.getValue("cache-domain.resilience.timeout", Duration.class);
        return lookup.plus(quota.multipliedBy(2)).plus(operation).plus(MARGIN);
    }

    /** The longest a readiness probe may take while the store does not answer. */
    public static Duration readiness() {
        return ConfigProvider.getConfig().getValue("cache-domain.health.ping-timeout", Duration.class).plus(MARGIN);
    }
}
