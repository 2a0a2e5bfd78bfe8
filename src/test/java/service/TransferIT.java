package service;

import static org.assertj.core.api.Assertions.assertThat;
import static support.ExportFiles.JSON;
import static support.ExportFiles.entries;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.RedisServer;

/**
 * A project moved between two services on different stores, in each of the six directions between
 * memory, embedded and Redis: exported from one, imported into the other, and found the same there.
 */
class TransferIT {

    private static final String ADMIN = "it-transfer-key-abcdefghijklmnopqrstuvwxyz012345";
    private static final int ENTRIES = 300;

    private static RedisServer redis;
    private static Map<String, ServiceProcess> services;

    @BeforeAll
    static void oneServicePerStore() throws Exception {
        redis = RedisServer.start();
        Path directory = Files.createTempDirectory("transfer");
        services = new LinkedHashMap<>();
        services.put("memory", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "memory", "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
        services.put("embedded", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "embedded", "CACHE_DOMAIN_EMBEDDED_PATH",
                directory.toString(), "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
        services.put("redis", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "redis", "REDIS_URL", redis.url(),
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.values().forEach(ServiceProcess::close);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void movesAProjectInEachDirectionBetweenTheThreeStoresUnchanged() throws Exception {
        for (String from : services.keySet()) {
            for (String to : services.keySet()) {
                if (!from.equals(to)) {
                    move(from, to, "moved-" + from + "-" + to);
                }
            }
        }
    }

    private void move(String from, String to, String project) throws Exception {
        ServiceProcess source = services.get(from);
        ServiceProcess target = services.get(to);
        for (int i = 0; i < ENTRIES; i++) {
            String body = "{\"value\": {\"n\": " + i + ", \"exact\": 1.50, \"text\": \"é " + from + "\"}, \"ttlSeconds\": " + (900 + i)
                    + (i % 3 == 0 ? ", \"tags\": [\"third\", \"" + from + "\"]" : "") + "}";
            assertThat(source.send("PUT", "/v1/projects/" + project + "/cache/" + String.format("k%04d", i), ADMIN, body).statusCode())
                    .isEqualTo(201);
        }
        String exported = source.send("GET", "/v1/admin/projects/" + project + "/export", ADMIN, null).body();

        HttpResponse<String> imported = target.send("POST", "/v1/admin/projects/" + project + "/import", ADMIN, exported,
                "application/jsonl");

        assertThat(imported.statusCode()).as("%s to %s: %s", from, to, imported.body()).isEqualTo(200);
        assertThat(JSON.readTree(imported.body()).path("written").asInt()).isEqualTo(ENTRIES);
        Map<String, JsonNode> there = entries(exported);
        Map<String, JsonNode> here = entries(target.send("GET", "/v1/admin/projects/" + project + "/export", ADMIN, null).body());
        assertThat(here.keySet()).as("%s to %s", from, to).containsExactlyElementsOf(there.keySet()).hasSize(ENTRIES);
        for (Map.Entry<String, JsonNode> e : there.entrySet()) {
            JsonNode moved = here.get(e.getKey());
            for (String field : List.of("value", "tags", "createdAt")) {
                assertThat(moved.path(field)).as("%s to %s: %s of %s", from, to, field, e.getKey()).isEqualTo(e.getValue().path(field));
            }
            assertThat(moved.path("version").asLong()).isGreaterThanOrEqualTo(e.getValue().path("version").asLong());
            assertThat(Duration.between(Instant.parse(e.getValue().path("expiresAt").asText()),
                    Instant.parse(moved.path("expiresAt").asText())).abs()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

}
