package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import infrastructure.embedded.EmbeddedDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;

/**
 * The embedded store keeps every write it acknowledged through {@code kill -9}: the packaged service
 * takes concurrent writes of every kind over HTTP, is killed while they run, and on restart holds each
 * write that got a 2xx; five times in a row on one data directory, which stays sound.
 */
@Tag("faults")
class EmbeddedStoreCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GENERATED_KEY = Pattern.compile("Authorization: Bearer ([A-Za-z0-9_-]{32,})'");
    private static final int ROUNDS = 5;
    private static final int WRITERS = 6;
    /** Acknowledged writes each round waits for before the kill, at least. */
    private static final int WRITES_BEFORE_KILL = 300;

    private final Path directory = EmbeddedDatabases.newDirectory();
    private final Map<String, String> env = Map.of("CACHE_DOMAIN_STORE", "embedded",
            "CACHE_DOMAIN_EMBEDDED_PATH", directory.toString(),
            "RATE_LIMIT_DEFAULT_REQUESTS", "1000000",
            "CACHE_DOMAIN_RATE_LIMITS_API_ENABLED", "false");

    /** What the service acknowledged, over all rounds. */
    private final Map<String, String> cacheEntries = new ConcurrentHashMap<>();
    private final Map<String, String> apiKeys = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> sessions = new ConcurrentLinkedQueue<>();
    private final AtomicInteger rateLimitChecks = new AtomicInteger();
    private final Map<String, Integer> progressSteps = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> tasks = new ConcurrentLinkedQueue<>();

    @Test
    void everyAcknowledgedWriteSurvivesKillNineFiveTimesInARow() throws Exception {
        String admin = null;
        for (int round = 0; round < ROUNDS; round++) {
            ServiceProcess service = ServiceProcess.start(env);
            try {
                if (round == 0) {
                    Matcher generated = GENERATED_KEY.matcher(service.output());
                    assertThat(generated.find()).as("the first start logs the generated bootstrap key").isTrue();
                    admin = generated.group(1);
                } else {
                    assertThat(service.output()).as("a restart keeps the bootstrap key, and does not log it")
                            .doesNotContain(admin).doesNotContain("generated one for this data directory");
                    everyAcknowledgedWriteIsThere(service, admin);
                }
                String key = createKey(service, admin, "writer-" + round);
                writeUntilKilled(service, key, round);
            } finally {
                service.kill();
            }
            assertThat(integrityCheck()).isEqualTo("ok");
        }
        System.out.printf("acknowledged over %d kills: %d cache entries, %d API keys, %d sessions, %d rate limit checks, "
                + "%d progress steps, %d tasks%n", ROUNDS, cacheEntries.size(), apiKeys.size(), sessions.size(), rateLimitChecks.get(),
                progressSteps.values().stream().mapToInt(Integer::intValue).sum(), tasks.size());
        assertThat(cacheEntries).as("cache entries acknowledged").hasSizeGreaterThan(10);
        assertThat(sessions).as("sessions acknowledged").hasSizeGreaterThan(10);
        assertThat(rateLimitChecks.get()).as("rate limit checks acknowledged").isGreaterThan(10);
        assertThat(progressSteps.values().stream().mapToInt(Integer::intValue).sum()).as("progress steps").isGreaterThan(10);
        assertThat(tasks).as("tasks acknowledged").hasSizeGreaterThan(10);
        ServiceProcess service = ServiceProcess.start(env);
        try {
            everyAcknowledgedWriteIsThere(service, admin);
        } finally {
            service.close();
        }
        assertThat(integrityCheck()).isEqualTo("ok");
    }

    private String createKey(ServiceProcess service, String admin, String name) throws Exception {
        HttpResponse<String> created = service.send("POST", "/v1/admin/api-keys", admin, "{\"name\": \"" + name
                + "\", \"projects\": [\"shop\"], \"scopes\": [\"cache:read\", \"cache:write\", \"sessions\", \"rate-limits\", "
                + "\"progress\", \"tasks\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = JSON.readTree(created.body()).get("key").asText();
        apiKeys.put(name, secret);
        return secret;
    }

    /** Concurrent writers of every kind until enough were acknowledged, then kill -9 while they still write. */
    private void writeUntilKilled(ServiceProcess service, String key, int round) throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String writer = round + "-" + w;
            Thread thread = new Thread(() -> {
                int n = 0;
                String operation = "op-" + writer;
                boolean started = false;
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        n++;
                        boolean ok = switch (ThreadLocalRandom.current().nextInt(started ? 5 : 4)) {
                            case 0 -> putCacheEntry(service, key, "k-" + writer + "-" + n);
                            case 1 -> openSession(service, key, writer);
                            case 2 -> checkRateLimit(service, key);
                            case 3 -> started = started || startProgress(service, key, operation);
                            default -> stepProgress(service, key, operation);
                        };
                        if (n % 7 == 0) {
                            ok |= enqueueTask(service, key, writer + "-" + n);
                        }
                        if (ok && acknowledged.incrementAndGet() >= WRITES_BEFORE_KILL) {
                            enough.countDown();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // The kill cuts requests in flight: unacknowledged, so nothing is expected of them.
                    }
                }
            }, "writer-" + writer);
            thread.setDaemon(true);
            writers.add(thread);
            thread.start();
        }
        enough.await();
        service.kill();
        writers.forEach(Thread::interrupt);
        for (Thread writer : writers) {
            writer.join(15_000);
        }
    }

    private boolean putCacheEntry(ServiceProcess service, String key, String name) throws Exception {
        String value = "\"" + name + "-value\"";
        int status = service.send("PUT", "/v1/projects/shop/cache/" + name, key, "{\"value\": " + value + ", \"ttlSeconds\": 3600}")
                .statusCode();
        if (status / 100 == 2) {
            cacheEntries.put(name, value);
            return true;
        }
        return false;
    }

    private boolean openSession(ServiceProcess service, String key, String user) throws Exception {
        HttpResponse<String> opened = service.send("POST", "/v1/sessions", key,
                "{\"userId\": \"user-" + user + "\", \"projectAccess\": [\"shop\"]}");
        if (opened.statusCode() / 100 == 2) {
            sessions.add(JSON.readTree(opened.body()).get("token").asText());
            return true;
        }
        return false;
    }

    private boolean checkRateLimit(ServiceProcess service, String key) throws Exception {
        HttpResponse<String> checked = service.send("POST", "/v1/projects/shop/rate-limits/check", key,
                "{\"policy\": \"default\", \"scope\": \"user\", \"identifier\": \"crash\", \"cost\": 1}");
        if (checked.statusCode() == 200) {
            rateLimitChecks.incrementAndGet();
            return true;
        }
        return false;
    }

    private boolean startProgress(ServiceProcess service, String key, String operation) throws Exception {
        int status = service.send("POST", "/v1/projects/shop/progress", key,
                "{\"correlationId\": \"" + operation + "\", \"totalSteps\": 1000000}").statusCode();
        if (status == 201) {
            progressSteps.put(operation, 0);
            return true;
        }
        return false;
    }

    private boolean stepProgress(ServiceProcess service, String key, String operation) throws Exception {
        int status = service.send("POST", "/v1/projects/shop/progress/" + operation + "/steps", key, "{\"message\": \"a step\", \"increment\": 1}")
                .statusCode();
        if (status / 100 == 2) {
            progressSteps.merge(operation, 1, Integer::sum);
            return true;
        }
        return false;
    }

    private boolean enqueueTask(ServiceProcess service, String key, String payload) throws Exception {
        HttpResponse<String> enqueued = service.send("POST", "/v1/projects/shop/queues/crash/tasks", key,
                "{\"payload\": \"" + payload + "\"}");
        if (enqueued.statusCode() == 201) {
            tasks.add(JSON.readTree(enqueued.body()).get("id").asText());
            return true;
        }
        return false;
    }

    private void everyAcknowledgedWriteIsThere(ServiceProcess service, String admin) throws Exception {
        String reader = apiKeys.values().iterator().next();
        for (Map.Entry<String, String> key : apiKeys.entrySet()) {
            assertThat(service.send("GET", "/v1/projects/shop/cache-stats", key.getValue(), null).statusCode())
                    .as("API key %s authenticates after the restart", key.getKey()).isEqualTo(200);
        }
        for (Map.Entry<String, String> entry : cacheEntries.entrySet()) {
            HttpResponse<String> read = service.send("GET", "/v1/projects/shop/cache/" + entry.getKey(), reader, null);
            assertThat(read.statusCode()).as("cache entry %s", entry.getKey()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).get("value").toString()).isEqualTo(entry.getValue());
        }
        for (String token : sessions) {
            assertThat(service.send("POST", "/v1/sessions/validate", reader, "{\"token\": \"" + token + "\"}").statusCode())
                    .as("an acknowledged session").isEqualTo(200);
        }
        JsonNode state = JSON.readTree(service.send("GET", "/v1/projects/shop/rate-limits/default/user/crash", reader, null).body());
        JsonNode window = state.get("windows").get(0);
        assertThat(window.get("limit").asLong() - window.get("remaining").asLong())
                .as("checks counted").isGreaterThanOrEqualTo(rateLimitChecks.get());
        for (Map.Entry<String, Integer> operation : progressSteps.entrySet()) {
            HttpResponse<String> read = service.send("GET", "/v1/projects/shop/progress/" + operation.getKey(), reader, null);
            assertThat(read.statusCode()).as("progress %s", operation.getKey()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).get("currentStep").asInt()).as("steps of %s", operation.getKey())
                    .isGreaterThanOrEqualTo(operation.getValue());
        }
        for (String task : tasks) {
            assertThat(service.send("GET", "/v1/projects/shop/queues/crash/tasks/" + task, reader, null).statusCode())
                    .as("task %s", task).isEqualTo(200);
        }
        assertThat(service.send("GET", "/v1/admin/api-keys", admin, null).statusCode()).isEqualTo(200);
    }

    /** {@code PRAGMA integrity_check} on the file as the kill left it (opening it replays its WAL). */
    private String integrityCheck() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(EmbeddedDatabase.FILE));
                Statement s = c.createStatement(); ResultSet row = s.executeQuery("PRAGMA integrity_check")) {
            row.next();
            return row.getString(1);
        }
    }
}
