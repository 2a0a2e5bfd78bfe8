package support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A redis-server for one test class alone, so that the test may stop, restart or freeze it
 * without disturbing any other. Injected into fields annotated {@link Handle}.
 */
public class OwnRedisResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's {@link RedisServer} field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Handle {
    }

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        server = RedisServer.start();
        return Map.of("cache-domain.store", "redis", "quarkus.redis.hosts", server.url());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Handle.class, RedisServer.class));
    }

    @Override
    public void stop() {
        server.close();
    }
}
