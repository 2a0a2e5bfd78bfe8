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

    @Test
    void writesJsonLogsWithTraceIdsWhenAskedAndAuditLinesOnTheirOwnLogger() throws Exception {
        Map<String, String> env = Map.of(
                "CACHE_DOMAIN_LOG_JSON", "true",
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP,
                // Tracing on, every request sampled; nothing listens there, so spans are simply not delivered.
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1",
                "OTEL_TRACES_SAMPLER", "always_on");
        try (ServiceProcess service = ServiceProcess.start(env)) {
            HttpResponse<String> created = service.send("POST", "/v1/admin/api-keys", BOOTSTRAP,
                    "{\"name\": \"json-logs\", \"projects\": [\"shop\"], \"scopes\": [\"cache:read\"]}");
            assertThat(created.statusCode()).isEqualTo(201);

            JsonNode audit = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> jsonLines(service.output()).stream()
                            .filter(l -> l.path("loggerName").asText().equals("audit")).findFirst(), java.util.Optional::isPresent)
                    .get();
            assertThat(audit.path("message").asText()).contains("api-key created name=json-logs");
            assertThat(audit.at("/mdc/traceId").asText()).as("the audit line carries the request's trace id").matches("[0-9a-f]{32}");
            assertThat(audit.toString()).doesNotContain(JSON.readTree(created.body()).get("key").asText());
            assertThat(service.output().lines().filter(l -> !l.isBlank()))
                    .as("every line is JSON").allMatch(l -> l.startsWith("{") && l.endsWith("}"));
        }
    }

    @Test
    void writesPlainTextLogsByDefault() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP))) {
            assertThat(service.output()).contains("INFO  [io.quarkus]").doesNotContain("\"loggerName\"");
        }
    }

    private static java.util.List<JsonNode> jsonLines(String output) {
        return output.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("not JSON: " + l, e);
            }
        }).toList();
    }

    private static int countOccurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
