package infrastructure.config;

import application.RequestContexts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;

/**
 * Request contexts on Vert.x: each HTTP request runs on a duplicated context of its own, which holds
 * its OpenTelemetry context and its CDI request scope; a task for a request is run there. A caller
 * off any Vert.x context (startup, a test's thread) gets its tasks run where they are handed over.
 */
@Singleton
public class VertxRequestContexts implements RequestContexts {

    @Override
    public Executor current() {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return Runnable::run;
        }
        return task -> {
            if (Vertx.currentContext() == caller) {
                task.run();
            } else {
                caller.runOnContext(ignored -> task.run());
            }
        };
    }
}
