package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/**
 * The packaged service on a Redis that asks for a password ({@code requirepass}), the password read
 * from a file as a mounted secret is ({@code QUARKUS_CONFIG_LOCATIONS}): it works, says so in its
 * security status, and never writes the password; with a wrong one it is not ready and says why.
 */
@Tag("faults")
class RedisPasswordIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final String PASSWORD = "a-password-for-redis-9f8e7d6c5b4a";

    @Test
    void connectsWithThePasswordItReadsFromASecretFileAndNeverWritesIt() throws Exception {
        try (RedisServer redis = RedisServer.startOwn("--requirepass", PASSWORD)) {
            Path secret = secretFile("quarkus.redis.password=" + PASSWORD + "\n");
            try (ServiceProcess service = ServiceProcess.start(env(redis, secret))) {
                assertThat(service.send("PUT", "/v1/projects/shop/cache/a", BOOTSTRAP, "{\"value\": 1}").statusCode()).isEqualTo(201);
                assertThat(service.send("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
                HttpResponse<String> health = service.send("GET", "/v1/admin/health", BOOTSTRAP, null);
                JsonNode security = JSON.readTree(health.body()).get("store").get("security");
                assertThat(security.get("auth").asText()).isEqualTo("password");
                assertThat(security.get("warnings").toString()).doesNotContain("password");
                assertThat(health.body()).doesNotContain(PASSWORD);
                assertThat(service.output()).doesNotContain(PASSWORD);
            }
        }
    }

    @Test
    void isNotReadyAndSaysWhyWithAWrongPassword() throws Exception {
        try (RedisServer redis = RedisServer.startOwn("--requirepass", PASSWORD)) {
            Path secret = secretFile("quarkus.redis.password=not-" + PASSWORD + "\n");
            try (ServiceProcess service = ServiceProcess.start(env(redis, secret))) {
                HttpResponse<String> ready = service.send("GET", "/q/health/ready", null, null);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("WRONGPASS").doesNotContain(PASSWORD);
                assertThat(service.send("PUT", "/v1/projects/shop/cache/a", BOOTSTRAP, "{\"value\": 1}").statusCode()).isEqualTo(503);
                assertThat(service.output()).doesNotContain(PASSWORD);
            }
        }
    }

    private static Map<String, String> env(RedisServer redis, Path secret) {
        return Map.of("CACHE_DOMAIN_STORE", "redis", "REDIS_URL", redis.url(), "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP,
                "QUARKUS_CONFIG_LOCATIONS", secret.toUri().toString());
    }

    /** A properties file only its owner reads, as a mounted Kubernetes secret is. */
    private static Path secretFile(String content) throws Exception {
        Path file = Files.createTempFile("redis-secret", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
        return file;
    }
}
