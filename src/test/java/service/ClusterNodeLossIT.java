package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisCluster;
import support.RedisServer;

/**
 * Two instances of the packaged service on a Redis Cluster of three masters, each with a replica,
 * under steady traffic on three projects, one per master. A replica is killed, then a master: the
 * projects the surviving masters serve get their normal answers throughout, and the lost master's
 * project is served again once its replica took over.
 */
@Tag("faults")
class ClusterNodeLossIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long after the promotion the lost master's slots may still fail: the slot map is refreshed every second. */
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    private final Outcomes outcomes = new Outcomes();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Test
    void aNodeLossAffectsOnlyTheSlotsItServedAndOnlyUntilItsReplicaTookOver() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, true)) {
            ReactiveRedisDataSource first = RedisClients.dataSource(cluster.masters().get(0).url());
            List<String> projects = oneProjectPerMaster(cluster, first);
            int keysMaster = cluster.masterOf(slot(first, "{ak}"));
            Map<String, String> env = Map.of(
                    "CACHE_DOMAIN_STORE", "redis",
                    "QUARKUS_REDIS_CLIENT_TYPE", "cluster",
                    "QUARKUS_REDIS_HOSTS", cluster.masters().stream().map(RedisServer::url).collect(Collectors.joining(",")),
                    "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP,
                    // The traffic is the test's own measure: the service's own allowance per key (api) must not refuse it.
                    "CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE", "1000000000",
                    "CACHE_DOMAIN_RATE_LIMITS_API_PER_HOUR", "1000000000");
            try (ServiceProcess a = ServiceProcess.start(env); ServiceProcess b = ServiceProcess.start(env)) {
                HttpResponse<String> created = a.send("POST", "/v1/admin/api-keys", BOOTSTRAP, "{\"name\": \"app\", \"projects\": "
                        + JSON.writeValueAsString(projects) + ", \"scopes\": [\"cache:read\", \"cache:write\", \"rate-limits\"]}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String key = JSON.readTree(created.body()).get("key").asText();

                List<Thread> clients = new ArrayList<>();
                for (ServiceProcess instance : List.of(a, b)) {
                    for (int master = 0; master < projects.size(); master++) {
                        clients.add(traffic(instance == a ? "a" : "b", instance, key, master, projects.get(master)));
                    }
                }
                clients.forEach(Thread::start);
                Outcomes.settle(Duration.ofSeconds(2));
                long subscribed = subscriptions(cluster.nodes());
                // The master to lose: the one holding the API key records (the hardest case for the other projects) if
                // subscriptions sit there too, else the one holding the most subscriptions, which must be made again elsewhere.
                long[] held = new long[3];
                for (int i = 0; i < 3; i++) {
                    held[i] = subscriptions(List.of(cluster.masters().get(i)));
                }
                int most = held[0] >= held[1] && held[0] >= held[2] ? 0 : held[1] >= held[2] ? 1 : 2;
                int lost = held[keysMaster] > 0 ? keysMaster : most;
                long onTheLostMaster = held[lost];
                assertThat(onTheLostMaster).as("subscriptions on the master to lose").isPositive();

                // A replica (of another master) is lost: nothing may notice.
                RedisServer replica = cluster.replicaOf((lost + 1) % 3);
                replica.kill();
                awaitFlagged(cluster.masters().get(lost), replica.port(), "fail");
                Outcomes.settle(Duration.ofSeconds(1));

                // Then a master: its replica takes over after the node timeout (2 s) and an election.
                cluster.masters().get(lost).kill();
                long killed = System.nanoTime();
                RedisServer promoted = cluster.replicaOf(lost);
                ReactiveRedisDataSource promotedClient = RedisClients.dataSource(promoted.url());
                Awaitility.await("the replica promoted").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> promotedClient.execute(Command.ROLE).await().atMost(WAIT).get(0).toString().equals("master"));
                long tookOver = System.nanoTime();
                Outcomes.settle(RECOVERY.plusSeconds(3));
                running.set(false);
                for (Thread client : clients) {
                    client.join(WAIT.toMillis());
                }

                List<Outcomes.Outcome> all = outcomes.all();
                List<Outcomes.Outcome> survivors = all.stream().filter(o -> o.part() != lost).toList();
                List<Outcomes.Outcome> lostBefore = all.stream().filter(o -> o.part() == lost && o.ended() < killed).toList();
                List<Outcomes.Outcome> lostAfter = all.stream()
                        .filter(o -> o.part() == lost && o.began() > tookOver + RECOVERY.toNanos()).toList();
                List<Outcomes.Outcome> lostDuring = all.stream()
                        .filter(o -> o.part() == lost && o.ended() >= killed && o.began() <= tookOver + RECOVERY.toNanos()).toList();
                System.out.printf("cluster node loss: %d requests; surviving masters' %d (%d not normal); lost master's %d before the "
                                + "kill, %d between the kill and %d ms after the promotion (%d not normal), %d after; promotion "
                                + "%d ms after the kill%n",
                        all.size(), survivors.size(), survivors.stream().filter(o -> !o.normal()).count(), lostBefore.size(), lostDuring.size(),
                        RECOVERY.toMillis(), lostDuring.stream().filter(o -> !o.normal()).count(), lostAfter.size(),
                        (tookOver - killed) / 1_000_000);
                System.out.printf("cluster node loss: %d subscriptions, %d of them on the lost master, which %s the API key records%n",
                        subscribed, onTheLostMaster, lost == keysMaster ? "held" : "did not hold");

                assertThat(survivors).as("requests of the projects the surviving masters serve").hasSizeGreaterThan(100)
                        .allSatisfy(o -> assertThat(o.normal()).as("%s", o).isTrue());
                assertThat(lostBefore).as("the lost master's project while only a replica was lost").hasSizeGreaterThan(20)
                        .allSatisfy(o -> assertThat(o.normal()).as("%s", o).isTrue());
                assertThat(lostAfter).as("the lost master's project once its replica took over").hasSizeGreaterThan(20)
                        .allSatisfy(o -> assertThat(o.normal()).as("%s", o).isTrue());
                // Meanwhile its requests were answered by the failure policy, each at once, never hanging.
                assertThat(lostDuring).allSatisfy(o -> {
                    assertThat(o.status()).as("%s", o).isIn(200, 201, 404, 503);
                    assertThat(Duration.ofNanos(o.ended() - o.began())).as("%s", o).isLessThan(Duration.ofSeconds(3));
                });
                // Each instance holds as many subscriptions as before: those on the lost master made again elsewhere, none twice.
                Awaitility.await("subscriptions made again").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                        .until(() -> subscriptions(cluster.nodes()) == subscribed);
                assertThat(a.send("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
                assertThat(b.send("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
                // The security status of a cluster without a password or TLS, every master probed.
                com.fasterxml.jackson.databind.JsonNode store = JSON.readTree(a.send("GET", "/v1/admin/health", BOOTSTRAP, null).body())
                        .get("store");
                assertThat(store.get("security").get("tls").asBoolean()).isFalse();
                assertThat(store.get("security").get("auth").asText()).isEqualTo("none");
                assertThat(store.get("security").get("warnings").toString()).contains("asks no password");
            }
        }
    }

    private Thread traffic(String name, ServiceProcess instance, String key, int master, String project) {
        Thread thread = new Thread(() -> {
            for (int n = 0; running.get(); n++) {
                String entry = "/v1/projects/" + project + "/cache/k-" + name + "-" + (n % 50);
                int written = n;
                outcomes.request(name, master, "put", () -> instance.send("PUT", entry, key, "{\"value\": " + written + ", \"ttlSeconds\": 600}"),
                        response -> response.statusCode() / 100 == 2);
                outcomes.request(name, master, "get", () -> instance.send("GET", entry, key, null),
                        response -> response.statusCode() == 200 && JSON.readTree(response.body()).get("value").asInt() == written);
                outcomes.request(name, master, "check", () -> instance.send("POST", "/v1/projects/" + project + "/rate-limits/check", key,
                                "{\"policy\": \"default\", \"scope\": \"user\", \"identifier\": \"u-" + name + "\", \"cost\": 1}"),
                        response -> response.statusCode() == 200 && !JSON.readTree(response.body()).get("degraded").asBoolean());
            }
        }, "traffic-" + name + "-" + project);
        thread.setDaemon(true);
        return thread;
    }

    /** A project id whose hash tag falls in each master's slots, in the masters' order. */
    private static List<String> oneProjectPerMaster(RedisCluster cluster, ReactiveRedisDataSource node) {
        List<String> projects = new ArrayList<>();
        for (int master = 0; master < cluster.masters().size(); master++) {
            for (int i = 0; ; i++) {
                String candidate = "m" + master + "-" + i;
                if (cluster.masterOf(slot(node, "{p:" + candidate + "}")) == master) {
                    projects.add(candidate);
                    break;
                }
            }
        }
        return projects;
    }

    private static int slot(ReactiveRedisDataSource node, String key) {
        return node.execute(Command.CLUSTER, "KEYSLOT", key).await().atMost(WAIT).toInteger();
    }

    /** Waits until {@code observer}'s CLUSTER NODES line of the node on {@code port} shows {@code flag}. */
    private static void awaitFlagged(RedisServer observer, int port, String flag) {
        ReactiveRedisDataSource client = RedisClients.dataSource(observer.url());
        Awaitility.await("node on " + port + " flagged " + flag).atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> client.execute(Command.CLUSTER, "NODES").await().atMost(WAIT).toString().lines()
                        .anyMatch(line -> line.contains(":" + port + "@") && List.of(line.split(" ")[2].split(",")).contains(flag)));
    }

    private final Map<RedisServer, ReactiveRedisDataSource> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** Connections subscribed to a channel or a pattern, on every node that answers. */
    private long subscriptions(List<RedisServer> nodes) {
        long subscribed = 0;
        for (RedisServer node : nodes) {
            try {
                String clients = this.clients.computeIfAbsent(node, n -> RedisClients.dataSource(n.url())).execute(Command.CLIENT, "LIST")
                        .await().atMost(Duration.ofSeconds(2)).toString();
                subscribed += clients.lines().filter(line -> !line.contains(" sub=0 ") || !line.contains(" psub=0 ")).count();
            } catch (RuntimeException down) {
                // a node killed by the test
            }
        }
        return subscribed;
    }

}
