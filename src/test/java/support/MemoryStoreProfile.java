package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service on the memory store, with the Redis client pointed at a port where nothing listens, and
 * with RESTEasy Reactive serving every request ({@code cache-domain.http.direct-routes=false}): the
 * API suites on this store show that RESTEasy's path gives the answers the same suites see from
 * {@code infrastructure.rest.DirectRoutes} on the other stores, so that neither path can drift from
 * the other unseen (a request DirectRoutes leaves to RESTEasy takes that path in production too).
 */
public class MemoryStoreProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache-domain.store", "memory",
                "quarkus.redis.hosts", "redis://127.0.0.1:1",
                "cache-domain.http.direct-routes", "false");
    }
}
