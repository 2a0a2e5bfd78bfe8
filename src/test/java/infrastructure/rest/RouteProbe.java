package infrastructure.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A route of the tests' own, right after {@link DirectRoutes} and before RESTEasy Reactive: it notes
 * each request that carries {@value #HEADER} and passes it on. A request {@link DirectRoutes} served
 * never reaches it; one it left to RESTEasy does.
 */
@Singleton
public class RouteProbe {

    static final String HEADER = "X-Route-Probe";

    private final Set<String> passed = ConcurrentHashMap.newKeySet();

    void install(@Observes Router router) {
        router.route().order(DirectRoutes.ORDER + 1).handler(context -> {
            String probe = context.request().getHeader(HEADER);
            if (probe != null) {
                passed.add(probe);
            }
            context.next();
        });
    }

    /** Whether the request marked {@code probe} went past the direct routes, on to RESTEasy. */
    boolean reachedRestEasy(String probe) {
        return passed.contains(probe);
    }
}
