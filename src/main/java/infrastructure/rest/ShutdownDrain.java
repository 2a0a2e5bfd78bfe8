package infrastructure.rest;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Once the instance began to shut down (SIGTERM), every answer says {@code Connection: close}: a
 * client's next request then opens a new connection, which the load balancer sends to another
 * instance or the closed listener refuses, instead of arriving on a kept-alive connection that the
 * instance closes under it without an answer.
 */
@Singleton
public class ShutdownDrain {

    private volatile boolean draining;

    void install(@Observes Router router) {
        router.route().order(HttpEdge.ORDER - 1).handler(context -> {
            if (draining) {
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
            }
            context.next();
        });
    }

    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        draining = true;
    }
}
