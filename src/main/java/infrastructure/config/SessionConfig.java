package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and timeouts of user sessions. Durations take a number of seconds or a form like {@code 2h}. */
@ConfigMapping(prefix = "cache-domain.sessions")
public interface SessionConfig {

    /** Idle timeout of a session created without one. Default 7200 s; alias {@code CACHE_USER_SESSION_TTL}. */
    @WithDefault("7200")
    Duration idleTimeout();

    /** Absolute timeout of a session created without one. Default 24 h. */
    @WithDefault("24h")
    Duration absoluteTimeout();

    /** The longest idle timeout a session may ask for. Default 30 days. */
    @WithDefault("30d")
    Duration maxIdleTimeout();

    /** The longest absolute timeout a session may ask for. Default 30 days. */
    @WithDefault("30d")
    Duration maxAbsoluteTimeout();

    /** Live sessions a user may hold; above it the oldest is revoked. Default 0, no limit. */
    @WithDefault("0")
    int maxPerUser();

    /** The largest userData, in bytes of its JSON text. Default 16384. */
    @WithDefault("16384")
    int maxUserDataBytes();

    /** The most projects one session may access. Default 256. */
    @WithDefault("256")
    int maxProjects();
}
