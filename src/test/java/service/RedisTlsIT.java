package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.TlsRedis;

/**
 * The packaged service on a Redis that speaks TLS and asks clients for a certificate (mutual TLS):
 * it works with the right certificates; with a missing client certificate, a CA that did not sign the
 * server's, or plain text to the TLS port it says so, is not ready, and answers 503 at once instead of
 * hanging; and it refuses to start on a TLS configuration naming a file that does not exist.
 */
@Tag("faults")
class RedisTlsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    /** Far more than a refused handshake takes, far less than a hang. */
    private static final Duration PROMPT = Duration.ofSeconds(3);

    private static TlsRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TlsRedis.start("yes");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static Map<String, String> env(String url) {
        return Map.of("CACHE_DOMAIN_STORE", "redis", "QUARKUS_REDIS_HOSTS", url, "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP);
    }

    /** The TLS registry's settings of the configuration named {@code redis-tls}, trusting {@code ca}. */
    private static Map<String, String> trusting(String ca) {
        Map<String, String> tls = new HashMap<>();
        tls.put("quarkus.redis.tls-configuration-name", "redis-tls");
        tls.put("quarkus.tls.redis-tls.trust-store.pem.certs", redis.file(ca).toString());
        tls.put("quarkus.tls.redis-tls.hostname-verification-algorithm", "HTTPS");
        return tls;
    }

    private static Map<String, String> withClientCertificate(Map<String, String> tls) {
        Map<String, String> all = new HashMap<>(tls);
        all.put("quarkus.tls.redis-tls.key-store.pem.client.cert", redis.file("client.crt").toString());
        all.put("quarkus.tls.redis-tls.key-store.pem.client.key", redis.file("client.key").toString());
        return all;
    }

    @Test
    void worksOverMutualTlsWithTheRightCertificates() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(env(redis.tlsUrl()), withClientCertificate(trusting("ca.crt")))) {
            assertThat(service.send("PUT", "/v1/projects/shop/cache/a", BOOTSTRAP, "{\"value\": \"over mutual tls\"}").statusCode())
                    .isEqualTo(201);
            HttpResponse<String> read = service.send("GET", "/v1/projects/shop/cache/a", BOOTSTRAP, null);
            assertThat(JSON.readTree(read.body()).get("value").asText()).isEqualTo("over mutual tls");
            assertThat(service.send("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
            JsonNode security = JSON.readTree(service.send("GET", "/v1/admin/health", BOOTSTRAP, null).body()).get("store").get("security");
            assertThat(security.get("tls").asBoolean()).isTrue();
            assertThat(service.output()).doesNotContain("BEGIN").doesNotContain(BOOTSTRAP);
        }
    }

    @Test
    void isNotReadyAndAnswersAtOnceWithoutTheClientCertificateRedisAsksFor() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(env(redis.tlsUrl()), trusting("ca.crt"))) {
            refusedPromptly(service);
        }
    }

    @Test
    void isNotReadyAndAnswersAtOnceWhenItsCaDidNotSignTheServersCertificate() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(env(redis.tlsUrl()), withClientCertificate(trusting("stranger.crt")))) {
            String error = refusedPromptly(service);
            assertThat(error).containsIgnoringCase("certif");
        }
    }

    @Test
    void isNotReadyAndAnswersAtOnceWhenItSpeaksPlainTextToTheTlsPort() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(env(redis.plainUrlOfTlsPort()), Map.of())) {
            refusedPromptly(service);
        }
    }

    @Test
    void refusesToStartOnATrustStoreThatDoesNotExist() throws Exception {
        Map<String, String> tls = trusting("ca.crt");
        tls.put("quarkus.tls.redis-tls.trust-store.pem.certs", redis.file("no-such-ca.crt").toString());

        ServiceProcess.Refusal refusal = ServiceProcess.refusedStart(env(redis.tlsUrl()), tls);

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.output()).contains("no-such-ca.crt").doesNotContain("Listening on");
    }

    /**
     * Readiness is DOWN with the store's error, a cache write answers 503 and a read misses, each well
     * within {@link #PROMPT}: the handshake's failure is an answer, not a wait. Returns readiness's error.
     */
    private static String refusedPromptly(ServiceProcess service) throws Exception {
        long began = System.nanoTime();
        HttpResponse<String> ready = service.send("GET", "/q/health/ready", null, null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        HttpResponse<String> write = service.send("PUT", "/v1/projects/shop/cache/a", BOOTSTRAP, "{\"value\": 1}");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(503);
        assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(service.send("GET", "/v1/projects/shop/cache/a", BOOTSTRAP, null).statusCode()).isEqualTo(404);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(PROMPT.multipliedBy(3));
        JsonNode checks = JSON.readTree(ready.body()).get("checks");
        String error = "";
        for (JsonNode check : checks) {
            if (check.get("name").asText().equals("store")) {
                error = check.get("data").get("error").asText();
            }
        }
        assertThat(error).as("readiness names the store's error").isNotBlank();
        System.out.printf("refused in %d ms; readiness says: %s%n", (System.nanoTime() - began) / 1_000_000, error);
        return error;
    }
}
