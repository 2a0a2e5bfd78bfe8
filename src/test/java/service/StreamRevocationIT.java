package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import support.RedisServer;
import support.SseClient;

/**
 * Two instances of the packaged service on one Redis: a stream open on one ends within a second
 * when its key or its session is revoked through the other.
 */
class StreamRevocationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration PROMPTLY = Duration.ofSeconds(1);

    private static JsonNode created(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static SseClient.Stream opened(SseClient.Stream stream) {
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next(WAIT).type()).isEqualTo("snapshot");
        return stream;
    }

    @Test
    void endsAStreamOnOneInstanceWhenItsKeyOrSessionIsRevokedThroughAnother() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> env = Map.of(
                    "CACHE_DOMAIN_STORE", "redis",
                    "REDIS_URL", redis.url(),
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP);
            try (ServiceProcess a = ServiceProcess.start(env); ServiceProcess b = ServiceProcess.start(env)) {
                String worker = created(a.send("POST", "/v1/admin/api-keys", BOOTSTRAP,
                        "{\"name\": \"worker\", \"projects\": [\"shop\"], \"scopes\": [\"progress\", \"sessions\"]}")).get("key").asText();
                String operation = created(a.send("POST", "/v1/projects/shop/progress", worker,
                        "{\"correlationId\": \"import-1\", \"totalSteps\": 10}")).get("id").asText();
                String events = "/v1/projects/shop/progress/" + operation + "/events";
                JsonNode session = created(a.send("POST", "/v1/sessions", worker,
                        "{\"userId\": \"ada\", \"projectAccess\": [\"shop\"]}"));
                String token = session.get("token").asText();

                SseClient.Stream bySession = opened(SseClient.open(b.uri(events), Map.of("Cookie", "cd_session=" + token)));
                assertThat(a.send("DELETE", "/v1/sessions/" + session.get("sessionId").asText(), worker, null).statusCode())
                        .isEqualTo(204);
                assertThat(bySession.endsWithin(PROMPTLY)).as("the revoked session's stream on the other instance ended").isTrue();
                assertThat(SseClient.open(b.uri(events), Map.of("Cookie", "cd_session=" + token)).status()).isEqualTo(401);

                SseClient.Stream byKey = opened(SseClient.open(b.uri(events), Map.of("Authorization", "Bearer " + worker)));
                assertThat(a.send("DELETE", "/v1/admin/api-keys/worker", BOOTSTRAP, null).statusCode()).isEqualTo(204);
                assertThat(byKey.endsWithin(PROMPTLY)).as("the revoked key's stream on the other instance ended").isTrue();
                assertThat(SseClient.open(b.uri(events), Map.of("Authorization", "Bearer " + worker)).status()).isEqualTo(401);
                assertThat(a.output() + b.output()).doesNotContain(worker).doesNotContain(token);
            }
        }
    }
}
