package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import domain.access.Revocations;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.Http;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisClients;
import support.RedisInspection;
import support.RedisMonitor;
import support.RedisServer;

/**
 * Each hot path, with a scoped (non-bootstrap) API key held in process and an {@code api} lease
 * held, makes one Redis round trip: its own script, and no other command; a cache read, which records
 * its statistics later in a batch, one HMGET.
 *
 * <p>How it is counted: {@code INFO commandstats} before and after a single request gives the script
 * calls (EVALSHA and EVAL); Redis counts the commands a script runs there too, so {@code MONITOR},
 * between two markers the test echoes, tells a client's commands from a script's ({@code [0 lua]}).
 * The service also talks to Redis in the background (pub/sub pings, the policy copy's periodic reload,
 * a lease topped up ahead of need when the one held has aged); such a command can land inside the
 * measured request, so a measurement with one is discarded and repeated, for at most
 * {@value #DEADLINE_SECONDS} s. A hot path that made two round trips itself would show them in every
 * measurement, and the test would fail at the deadline with the commands it saw.
 */
@QuarkusTest
@TestProfile(HotPathRoundTripsOnRedisTest.SharedConnections.class)
class HotPathRoundTripsOnRedisTest {

    /** A Redis of its own, the commands over two shared connections (off by default). */
    public static class SharedConnections extends OwnRedisProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> settings = new HashMap<>(super.getConfigOverrides());
            settings.put("cache-domain.redis.shared-connections", "2");
            return settings;
        }
    }

    private static final long DEADLINE_SECONDS = 20;
    /** The client of a MONITOR line ({@code 1700000000.1 [0 127.0.0.1:50312] "evalsha" ...}), IPv6 addresses included. */
    private static final Pattern MONITOR_CLIENT = Pattern.compile("^\\S+ \\[\\d+ (\\S+)] ");
    private static final int WARM_UP_REQUESTS = 6;

    @OwnRedisResource.Handle
    RedisServer redis;

    @Inject
    Revocations revocations;

    private ReactiveRedisDataSource inspection;
    private RedisMonitor monitor;
    private final String project = freshProject();
    private String key;
    private String token;
    private final String operation = "op-" + UUID.randomUUID();
    private final String policy = "rt-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void aScopedKeyWithEverythingItUses() {
        inspection = RedisClients.dataSource(redis.url());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(revocations::live);
        key = keyFor(List.of(project), "cache:read", "cache:write", "sessions", "rate-limits", "progress");
        as(key).body(Map.of("value", 1)).put(entryPath()).then().statusCode(201);
        token = as(key).body(Map.of("userId", "u-1", "projectAccess", List.of(project)))
                .post("/v1/sessions").then().statusCode(201).extract().path("token");
        as(key).body(Map.of("correlationId", operation, "totalSteps", 1_000_000)).post(progressPath()).then().statusCode(201);
        asAdmin().body(Map.of("limits", List.of(Map.of("requests", 1_000_000, "windowSeconds", 3600))))
                .put("/v1/rate-limit-policies/" + policy).then().statusCode(201);
        monitor = RedisMonitor.on(redis);
    }

    @AfterEach
    void closeMonitor() throws IOException {
        monitor.close();
    }

    private String entryPath() {
        return "/v1/projects/" + project + "/cache/entry";
    }

    private String progressPath() {
        return "/v1/projects/" + project + "/progress";
    }

    @Test
    void sendsTheHotPathsScriptsOverItsTwoSharedConnections() {
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            as(key).get(entryPath()).then().statusCode(200);
        }
        Awaitility.await("both shared connections open").atMost(Duration.ofSeconds(10)).until(() -> support.Metrics.scrape().samples()
                .stream().anyMatch(sample -> sample.name().equals("redis_shared_connections") && sample.value() == 2));

        // Sixteen clients at once: a pool would lease as many connections as commands are in flight.
        List<String> lines = monitor.during(() -> {
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int i = 0; i < 80; i++) {
                    statuses.add(clients.submit(() -> Http.get(entryPath(), key).status()));
                    statuses.add(clients.submit(() -> Http.post("/v1/projects/" + project + "/rate-limits/check", key,
                            "{\"policy\": \"" + policy + "\", \"scope\": \"ip\", \"identifier\": \"192.0.2.8\"}").status()));
                }
                for (Future<Integer> status : statuses) {
                    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
                }
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException(e);
            } finally {
                clients.shutdownNow();
            }
        });
        List<String> clients = lines.stream().filter(line -> !RedisMonitor.fromScript(line) && RedisMonitor.command(line).equals(SCRIPT))
                .map(line -> MONITOR_CLIENT.matcher(line)).filter(Matcher::find).map(client -> client.group(1)).distinct().toList();
        assertThat(clients).as("the connections 160 requests' scripts came over").isNotEmpty().hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aCacheReadMakesOneScriptCallAndNoOtherCommand() {
        assertOneRoundTrip(() -> Http.get(entryPath(), key), 200, SCRIPT);
    }

    @Test
    void aCacheWriteMakesOneScriptCallAndNoOtherCommand() {
        assertOneRoundTrip(() -> Http.put(entryPath(), key, "{\"value\": 2}"), 200, SCRIPT);
    }

    @Test
    void aRateLimitCheckMakesOneScriptCallAndNoOtherCommand() {
        assertOneRoundTrip(() -> Http.post("/v1/projects/" + project + "/rate-limits/check", key,
                "{\"policy\": \"" + policy + "\", \"scope\": \"ip\", \"identifier\": \"192.0.2.7\"}"), 200, SCRIPT);
    }

    @Test
    void aSessionValidationMakesOneScriptCallAndNoOtherCommand() {
        assertOneRoundTrip(() -> Http.post("/v1/sessions/validate", key, "{\"token\": \"" + token + "\"}"), 200, SCRIPT);
    }

    @Test
    void aProgressStepMakesOneScriptCallAndNoOtherCommand() {
        assertOneRoundTrip(() -> Http.post(progressPath() + "/" + operation + "/steps", key, "{\"message\": \"a step\"}"), 200, SCRIPT);
    }

    /** What a hot path that runs its script sends: EVALSHA (or EVAL, the first time). */
    private static final String SCRIPT = "evalsha";

    /** One measurement: the script calls INFO counted, and the commands clients (not scripts) sent, as MONITOR saw them. */
    private record Measurement(long scriptCalls, List<String> clientCommands) {

        /** One command alone: one script call, or one plain command and no script. */
        boolean only(String command) {
            if (command.equals(SCRIPT)) {
                return scriptCalls == 1 && clientCommands.size() == 1 && List.of("evalsha", "eval").contains(clientCommands.get(0));
            }
            return scriptCalls == 0 && clientCommands.equals(List.of(command));
        }
    }

    /** @param command the one command the request may send: {@link #SCRIPT} or a plain command's name */
    private void assertOneRoundTrip(Supplier<Http.Answer> request, int status, String command) {
        // Warm: the key is confirmed and held, the api lease grows to its batch, the script is loaded.
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            assertThat(request.get().status()).isEqualTo(status);
        }
        List<Measurement> measured = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(DEADLINE_SECONDS).toNanos();
        while (System.nanoTime() < deadline) {
            request.get(); // keeps the lease young, so the measured request rarely tops it up
            Map<String, Long> before = RedisInspection.commandCalls(inspection);
            List<String> lines = monitor.during(() -> assertThat(request.get().status()).isEqualTo(status));
            Map<String, Long> after = RedisInspection.commandCalls(inspection);
            long scripts = delta(before, after, "evalsha") + delta(before, after, "eval");
            Measurement m = new Measurement(scripts, lines.stream().filter(l -> !RedisMonitor.fromScript(l))
                    .map(RedisMonitor::command).toList());
            if (m.only(command)) {
                return;
            }
            measured.add(m);
        }
        throw new AssertionError("no measurement in " + DEADLINE_SECONDS + " s showed one " + command + " and no other command: "
                + measured.subList(Math.max(0, measured.size() - 5), measured.size()));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }
}
