package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the service serves HTTP. */
@ConfigMapping(prefix = "cache-domain.http")
public interface HttpConfig {

    /**
     * Whether the hot operations (cache read and write, rate-limit check, session validate, progress
     * step, a task's enqueue, batch enqueue, claim, heartbeat, complete and fail) called with an API
     * key, and their 401 without one, are served straight from Vert.x's router rather than through
     * RESTEasy Reactive's filters: the same answers, at a fraction of the cost. Off, RESTEasy serves
     * every request (a switch for comparing the two). Default true.
     */
    @WithDefault("true")
    boolean directRoutes();
}
