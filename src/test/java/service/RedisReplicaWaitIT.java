package service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/**
 * The packaged service with {@code CACHE_DOMAIN_REDIS_WAIT_FOR_REPLICAS=1} on a master and a replica:
 * a write is acknowledged while the replica confirms it, and answered 503 (saying why) while the
 * replica does not, when reads still answer, however many writes were refused.
 */
@Tag("faults")
class RedisReplicaWaitIT {

    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";

    @Test
    void acknowledgesWritesOnlyOnceTheReplicaHoldsThem() throws Exception {
        try (RedisServer master = RedisServer.startOwn("--repl-diskless-sync-delay", "0");
                RedisServer replica = RedisServer.startOwn("--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
            Map<String, String> env = Map.of("CACHE_DOMAIN_STORE", "redis", "REDIS_URL", master.url(),
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP, "CACHE_DOMAIN_REDIS_WAIT_FOR_REPLICAS", "1");
            try (ServiceProcess service = ServiceProcess.start(env)) {
                Awaitility.await("a write the replica confirms").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> put(service, "1").statusCode() / 100 == 2);

                replica.pause();
                try {
                    HttpResponse<String> refused = put(service, "2");
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    assertThat(refused.body()).contains("may or may not be kept");
                    // More refused writes than a breaker's window: the store answers, so no breaker opens and reads go on.
                    for (int i = 0; i < 25; i++) {
                        assertThat(put(service, "2").statusCode()).isEqualTo(503);
                    }
                    assertThat(service.send("GET", "/v1/projects/shop/cache/a", BOOTSTRAP, null).statusCode()).isEqualTo(200);
                    assertThat(service.output()).contains("0 of 1 replicas");
                } finally {
                    replica.resume();
                }
                Awaitility.await("writes acknowledged again").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> put(service, "3").statusCode() / 100 == 2);
            }
        }
    }

    private static HttpResponse<String> put(ServiceProcess service, String value) throws Exception {
        return service.send("PUT", "/v1/projects/shop/cache/a", BOOTSTRAP, "{\"value\": " + value + "}");
    }
}
