package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.freshProject;
import static support.Api.keyFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.Http;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;

/**
 * The task queue while its Redis is gone: every task call answers a 503 problem within the store
 * timeout (never a hang, never a 500), and once Redis is back from its append-only file, every task
 * the service acknowledged (queued, and leased with the lease tokens it gave) is there.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class TaskStoreOutageTest {

    /** The store timeout (1 s) plus a margin for a loaded machine. */
    private static final long BOUND_MILLIS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @OwnRedisResource.Handle
    RedisServer redis;

    @Test
    void answers503WhileRedisIsDownAndLosesNoAcknowledgedTaskWhenItRestartsFromItsAppendOnlyFile() throws Exception {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not stop");
        redis.command("CONFIG SET appendonly yes");
        redis.command("CONFIG SET appendfsync always");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::aofReady);
        String project = freshProject();
        String worker = keyFor(List.of(project), "tasks");
        String queue = "/v1/projects/" + project + "/queues/jobs";
        for (int i = 0; i < 5; i++) {
            assertThat(Http.post(queue + "/tasks", worker, "{\"payload\": " + i + "}").status()).isEqualTo(201);
        }
        JsonNode leased = json(Http.post(queue + "/claims", worker, "{\"max\": 2, \"leaseSeconds\": 3600}").body()).get("tasks");
        assertThat(leased).hasSize(2);
        String someTask = queue + "/tasks/" + leased.get(0).get("id").asText();

        redis.kill();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
            List<Http.Answer> answers = new ArrayList<>();
            answers.add(Http.post(queue + "/tasks", worker, "{\"payload\": \"lost?\"}"));
            answers.add(Http.post(queue + "/claims", worker, "{}"));
            answers.add(Http.post(queue + "/claims", worker, "{\"waitSeconds\": 5}"));
            answers.add(Http.post(someTask + "/complete", worker, "{\"leaseToken\": \"" + leased.get(0).get("leaseToken").asText() + "\"}"));
            answers.add(Http.post(someTask + "/heartbeat", worker, "{\"leaseToken\": \"" + leased.get(0).get("leaseToken").asText() + "\"}"));
            answers.add(Http.get(someTask, worker));
            answers.add(Http.get(queue, worker));
            for (Http.Answer answer : answers) {
                assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                assertThat(json(answer.body()).get("type").asText()).isEqualTo("urn:cache-domain:problem:store-unavailable");
                assertThat(answer.millis()).as("answered within the store timeout plus a margin").isLessThan(BOUND_MILLIS);
            }
        } finally {
            redis.restart("--appendonly", "yes");
        }

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(queue, worker).status() == 200);
        JsonNode counts = json(Http.get(queue, worker).body()).get("counts");
        assertThat(counts.get("RUNNING").asInt()).isEqualTo(2);
        assertThat(counts.get("QUEUED").asInt()).isEqualTo(3);
        for (JsonNode task : leased) {
            Http.Answer done = Http.post(queue + "/tasks/" + task.get("id").asText() + "/complete", worker,
                    "{\"leaseToken\": \"" + task.get("leaseToken").asText() + "\"}");
            assertThat(done.status()).as(done.body()).isEqualTo(200);
        }
        assertThat(json(Http.post(queue + "/claims", worker, "{\"max\": 10}").body()).get("tasks")).hasSize(3);

        // The outage opened the key store's breaker too: the tests after this one begin with a service that
        // makes keys again (its breaker half-opens after its delay and closes on the first answer).
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> keyFor(List.of(freshProject()), "tasks"));
    }

    /** True once the AOF is on and its first rewrite ended: from then on every acknowledged write is in it. */
    private boolean aofReady() {
        String info = redisInfo();
        return info.contains("aof_enabled:1") && info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0");
    }

    private String redisInfo() {
        return support.RedisClients.dataSource(redis.url()).execute(io.vertx.mutiny.redis.client.Command.INFO, "persistence")
                .await().atMost(Duration.ofSeconds(5)).toString();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }
}
