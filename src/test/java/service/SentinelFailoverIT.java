package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.RedisSentinels;
import support.SseClient;

/**
 * Two instances of the packaged service on Redis with Sentinel (one master, one replica, three
 * sentinels that fail over after one second without an answer), under steady traffic, with a
 * progress stream open on one instance while the other records steps. The master is killed: the
 * service follows the promotion by itself, and the stream goes on.
 */
@Tag("faults")
class SentinelFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The bound the service must follow a promotion within, after the sentinels made it. */
    private static final Duration FOLLOWED = Duration.ofSeconds(2);

    private final Outcomes outcomes = new Outcomes();
    /** The event id each acknowledged step was given, with when it was acknowledged. */
    private final Map<Long, Long> acknowledgedSteps = new ConcurrentHashMap<>();
    /** The event ids the stream delivered, with when. */
    private final Map<Long, Long> delivered = new ConcurrentHashMap<>();
    /** The id of the first snapshot the stream gave: the steps up to it came in it, not as events. */
    private volatile long snapshot = -1;
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Test
    void followsThePromotionWithinTwoSecondsAndTheStreamGoesOn() throws Exception {
        try (RedisSentinels redis = RedisSentinels.start()) {
            Map<String, String> env = Map.of(
                    "CACHE_DOMAIN_STORE", "redis",
                    "QUARKUS_REDIS_CLIENT_TYPE", "sentinel",
                    "QUARKUS_REDIS_HOSTS", redis.sentinelUrls(),
                    "QUARKUS_REDIS_MASTER_NAME", RedisSentinels.MASTER_NAME,
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP,
                    // The traffic is the test's own measure: the service's own allowance per key (api) must not refuse it.
                    "CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE", "1000000000",
                    "CACHE_DOMAIN_RATE_LIMITS_API_PER_HOUR", "1000000000");
            Thread reader = null;
            try (ServiceProcess a = ServiceProcess.start(env); ServiceProcess b = ServiceProcess.start(env)) {
                HttpResponse<String> created = a.send("POST", "/v1/admin/api-keys", BOOTSTRAP, "{\"name\": \"app\", \"projects\": "
                        + "[\"shop\"], \"scopes\": [\"cache:read\", \"cache:write\", \"progress\"]}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String key = JSON.readTree(created.body()).get("key").asText();
                HttpResponse<String> started = b.send("POST", "/v1/projects/shop/progress", key,
                        "{\"correlationId\": \"import\", \"totalSteps\": 1000000}");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
                String events = "/v1/projects/shop/progress/import/events";

                List<Thread> threads = new ArrayList<>();
                threads.add(traffic("a", a, key));
                threads.add(traffic("b", b, key));
                threads.add(stepper(b, key));
                reader = reader(a, events, key);
                threads.forEach(Thread::start);
                reader.start();
                Outcomes.settle(Duration.ofSeconds(2));

                redis.master().kill();
                long killed = System.nanoTime();
                Awaitility.await("the sentinels promote the replica").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(redis::replicaPromoted);
                long promoted = System.nanoTime();
                long followedBy = promoted + FOLLOWED.toNanos();
                Outcomes.settle(FOLLOWED.plusSeconds(3));
                running.set(false);
                for (Thread thread : threads) {
                    thread.join(WAIT.toMillis());
                }

                List<Outcomes.Outcome> all = outcomes.all();
                List<Outcomes.Outcome> before = all.stream().filter(o -> o.ended() < killed).toList();
                List<Outcomes.Outcome> after = all.stream().filter(o -> o.began() > followedBy).toList();
                List<Outcomes.Outcome> during = all.stream().filter(o -> o.ended() >= killed && o.began() <= followedBy).toList();
                List<Long> lateSteps = acknowledgedSteps.entrySet().stream()
                        .filter(step -> step.getValue() > followedBy).map(Map.Entry::getKey).sorted().toList();
                // What Redis's asynchronous replication may lose: acknowledged by the old master, never on the new one.
                List<Long> earlySteps = acknowledgedSteps.entrySet().stream()
                        .filter(step -> step.getValue() < killed).map(Map.Entry::getKey).sorted().toList();
                Awaitility.await("the stream delivers the steps recorded after the failover").atMost(WAIT)
                        .pollInterval(Duration.ofMillis(50)).until(() -> delivered.keySet().containsAll(lateSteps));
                long slowestLate = lateSteps.stream().mapToLong(id -> delivered.get(id) - acknowledgedSteps.get(id)).max().orElse(0);
                long lastAbnormal = all.stream().filter(o -> !o.normal()).mapToLong(Outcomes.Outcome::ended).max().orElse(killed);
                System.out.printf("sentinel failover: promotion %d ms after the kill; %d requests before, %d during (%d not normal), "
                                + "%d after; the last not normal answered %d ms after the promotion; steps acknowledged before the kill %d, "
                                + "of which the stream had %d (as events or in its first snapshot); after %d, all delivered, the slowest "
                                + "%d ms after its acknowledgement%n",
                        (promoted - killed) / 1_000_000, before.size(), during.size(), during.stream().filter(o -> !o.normal()).count(),
                        after.size(), (lastAbnormal - promoted) / 1_000_000, earlySteps.size(),
                        earlySteps.stream().filter(id -> id <= snapshot || delivered.containsKey(id)).count(), lateSteps.size(),
                        slowestLate / 1_000_000);

                assertThat(before).as("requests before the kill").hasSizeGreaterThan(20)
                        .allSatisfy(o -> assertThat(o.normal()).as("%s", o).isTrue());
                assertThat(after).as("requests from %d ms after the promotion", FOLLOWED.toMillis()).hasSizeGreaterThan(20)
                        .allSatisfy(o -> assertThat(o.normal()).as("%s", o).isTrue());
                assertThat(lateSteps).as("steps recorded after the failover").hasSizeGreaterThan(10);
                // The security status through the sentinels: it judges the endpoints it was given, loopback, without TLS.
                com.fasterxml.jackson.databind.JsonNode security = JSON.readTree(a.send("GET", "/v1/admin/health", BOOTSTRAP, null)
                        .body()).get("store").get("security");
                assertThat(security.get("tls").asBoolean()).isFalse();
                assertThat(security.get("auth").asText()).isEqualTo("none");
                // Live, through the progress subscription made again on the new master: a catch-up would wait for a heartbeat (15 s).
                assertThat(Duration.ofNanos(slowestLate)).as("the slowest delivery of a step recorded after the failover")
                        .isLessThan(Duration.ofSeconds(3));
            } finally {
                if (reader != null) {
                    reader.interrupt();
                }
            }
        }
    }

    private Thread traffic(String name, ServiceProcess instance, String key) {
        Thread thread = new Thread(() -> {
            for (int n = 0; running.get(); n++) {
                String entry = "/v1/projects/shop/cache/k-" + name + "-" + (n % 50);
                int written = n;
                outcomes.request(name, 0, "put", () -> instance.send("PUT", entry, key, "{\"value\": " + written + ", \"ttlSeconds\": 600}"),
                        response -> response.statusCode() / 100 == 2);
                outcomes.request(name, 0, "get", () -> instance.send("GET", entry, key, null),
                        response -> response.statusCode() == 200 && JSON.readTree(response.body()).get("value").asInt() == written);
            }
        }, "traffic-" + name);
        thread.setDaemon(true);
        return thread;
    }

    /** Records steps one after another, noting the event id each acknowledged step was given. */
    private Thread stepper(ServiceProcess instance, String key) {
        Thread thread = new Thread(() -> {
            while (running.get()) {
                outcomes.request("b", 0, "step", () -> {
                    HttpResponse<String> response = instance.send("POST", "/v1/projects/shop/progress/import/steps", key,
                            "{\"message\": \"a step\", \"increment\": 1}");
                    if (response.statusCode() == 200) {
                        acknowledgedSteps.put(JSON.readTree(response.body()).get("lastEventId").asLong(), System.nanoTime());
                    }
                    return response;
                }, response -> response.statusCode() == 200);
            }
        }, "stepper");
        thread.setDaemon(true);
        return thread;
    }

    /** Follows the operation's events as a browser's EventSource would: reconnecting with Last-Event-ID whenever the stream ends. */
    private Thread reader(ServiceProcess instance, String events, String key) {
        Thread thread = new Thread(() -> {
            String last = null;
            while (!Thread.currentThread().isInterrupted()) {
                Map<String, String> headers = last == null ? Map.of("Authorization", "Bearer " + key)
                        : Map.of("Authorization", "Bearer " + key, "Last-Event-ID", last);
                try (SseClient.Stream stream = SseClient.open(instance.uri(events), headers)) {
                    if (stream.status() != 200) {
                        // An EventSource waits before it tries again (the stream's retry: hint, 3 s; here less).
                        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                        continue;
                    }
                    while (true) {
                        SseClient.Event event = stream.next(WAIT);
                        if (event.id() != null) {
                            last = event.id();
                            if (!event.type().equals("snapshot")) {
                                delivered.put(Long.parseLong(event.id()), System.nanoTime());
                            } else if (snapshot < 0) {
                                snapshot = Long.parseLong(event.id());
                            }
                        }
                    }
                } catch (RuntimeException | AssertionError lost) {
                    // the stream ended or could not be opened: reconnect, as EventSource does
                }
            }
        }, "reader");
        thread.setDaemon(true);
        return thread;
    }

}
