package support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A redis-server of its own that speaks TLS ({@link TlsRedis}); the service connects over
 * {@code rediss://}, trusting the test's CA through the TLS registry.
 */
public class TlsRedisResource implements QuarkusTestResourceLifecycleManager {

    private TlsRedis server;

    @Override
    public Map<String, String> start() {
        server = TlsRedis.start("no");
        return Map.of("cache-domain.store", "redis",
                "quarkus.redis.hosts", server.tlsUrl(),
                "quarkus.redis.tls-configuration-name", "redis-tls",
                "quarkus.tls.redis-tls.trust-store.pem.certs", server.file("ca.crt").toString(),
                // The certificate names 127.0.0.1: checked as an HTTPS client checks a server's name.
                "quarkus.tls.redis-tls.hostname-verification-algorithm", "HTTPS");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
