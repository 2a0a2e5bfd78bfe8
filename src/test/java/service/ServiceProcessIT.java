package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/** The packaged service, run as separate processes: first run, configuration aliases, restarts. */
class ServiceProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";

    @Test
    void servesAFirstRunOnTheEmbeddedStoreWithNoRedisAnywhere() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_URL", "redis://127.0.0.1:1"))) {
            Matcher generated = Pattern.compile("Bearer (cdk_[A-Za-z0-9_-]{43})").matcher(service.output());
            assertThat(generated.find()).as("the generated bootstrap key is logged").isTrue();
            String key = generated.group(1);

            HttpResponse<String> put = service.send("PUT", "/v1/projects/demo/cache/greeting", key,
                    "{\"value\": {\"text\": \"hello\"}}");
            HttpResponse<String> get = service.send("GET", "/v1/projects/demo/cache/greeting", key, null);
            HttpResponse<String> ready = service.send("GET", "/q/health/ready", null, null);

            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(get.body()).at("/value/text").asText()).isEqualTo("hello");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(countOccurrences(service.output(), key)).as("the key is logged exactly once").isEqualTo(1);
        }
    }

    @Test
    void keepsItsDataInRedisAcrossARestartOfTheService() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> env = Map.of(
                    "CACHE_DOMAIN_STORE", "redis",
                    "REDIS_URL", redis.url(),
                    "CACHE_PROJECT_DATA_TTL", "120",
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP);
            JsonNode written;
            try (ServiceProcess first = ServiceProcess.start(env)) {
                HttpResponse<String> put = first.send("PUT", "/v1/projects/shop/cache/cart:7", BOOTSTRAP,
                        "{\"value\": [\"apple\", \"pear\"]}");
                assertThat(put.statusCode()).isEqualTo(201);
                written = JSON.readTree(put.body());
                assertThat(first.output()).doesNotContain(BOOTSTRAP);
            }

            try (ServiceProcess second = ServiceProcess.start(env)) {
                JsonNode read = JSON.readTree(second.send("GET", "/v1/projects/shop/cache/cart:7", BOOTSTRAP, null).body());

                assertThat(read.get("value").toString()).isEqualTo("[\"apple\",\"pear\"]");
                assertThat(read.get("version").asLong()).isEqualTo(written.get("version").asLong());
                assertThat(Duration.between(Instant.parse(read.get("createdAt").asText()),
                        Instant.parse(read.get("expiresAt").asText()))).as("CACHE_PROJECT_DATA_TTL applies")
                        .isEqualTo(Duration.ofSeconds(120));
            }
        }
    }

    @Test
    void refusesToStartWithABootstrapKeyTooShortToBeSafe() throws Exception {
        var thrown = org.assertj.core.api.Assertions.catchThrowable(() ->
                ServiceProcess.start(Map.of("CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", "short")).close());
        assertThat(thrown).hasMessageContaining("exited").hasMessageContaining("at least 32 characters");
    }

    private static int countOccurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
