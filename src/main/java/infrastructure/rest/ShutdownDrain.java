package infrastructure.rest;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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

    /** Asks the client to close the connection after this answer once shutdown began (called by {@link HttpEdge}'s handler). */
    void mark(HttpServerResponse response) {
        if (draining) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
    }

    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        draining = true;
    }
}
