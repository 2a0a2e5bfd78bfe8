package support;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only: how many bytes of a request's body the service's HTTP server consumed by the time it
 * answered, for requests that carry {@value #HEADER}. Lets a test bound what the server read, not how
 * long it took. Part of the application under test because test sources are.
 */
@Singleton
public class BodyProbe {

    public static final String HEADER = "X-Body-Probe";

    private static final Map<String, Long> READ = new ConcurrentHashMap<>();

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String probe = context.request().getHeader(HEADER);
            if (probe != null) {
                context.addEndHandler(ended -> READ.put(probe, context.request().bytesRead()));
            }
            context.next();
        });
    }

    /** Body bytes the server had consumed when it answered the request tagged {@code probe}; empty until it answered. */
    public static OptionalLong bytesRead(String probe) {
        Long read = READ.get(probe);
        return read == null ? OptionalLong.empty() : OptionalLong.of(read);
    }
}
