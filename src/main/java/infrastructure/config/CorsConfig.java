package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Cross-origin access for browsers (CORS), on the browser-facing reads only: a project's progress
 * list, an operation's state and its event stream, and the session's own path. Off by default.
 */
@ConfigMapping(prefix = "cache-domain.cors")
public interface CorsConfig {

    /**
     * The origins whose pages may call the browser-facing reads, each exactly as a browser sends it
     * ({@code https://app.example.com}, {@code http://localhost:5173}); no wildcards. None by
     * default: no cross-origin access at all.
     */
    Optional<List<String>> origins();

    /**
     * Whether those pages may send credentials (the {@code cd_session} cookie, with
     * {@code withCredentials: true}); answered as {@code Access-Control-Allow-Credentials: true}.
     * Default false.
     */
    @WithDefault("false")
    boolean allowCredentials();

    /** The request headers a page may send (besides those a browser always may). Default Authorization and Last-Event-ID. */
    @WithDefault("Authorization,Last-Event-ID")
    List<String> allowedHeaders();

    /**
     * The methods a page may use, where the path answers them: GET (the reads, the event stream,
     * the session) and DELETE (logging out of the session). Default GET and DELETE.
     */
    @WithDefault("GET,DELETE")
    List<String> allowedMethods();

    /** How long a browser may keep a preflight's answer ({@code Access-Control-Max-Age}). Default 10 minutes. */
    @WithDefault("10m")
    Duration maxAge();
}
