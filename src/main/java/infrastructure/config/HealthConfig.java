package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Health checks and the operator's view of slow operations. */
@ConfigMapping(prefix = "cache-domain.health")
public interface HealthConfig {

    /** The longest readiness and the admin health report wait for the store to answer PING. Default 1 second. */
    @WithDefault("1s")
    Duration pingTimeout();

    /** Operations slower than this are remembered for the admin health report. Default 100 ms. */
    @WithDefault("100ms")
    Duration slowOperation();
}
