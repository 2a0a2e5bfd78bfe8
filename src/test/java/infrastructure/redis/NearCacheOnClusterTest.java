package infrastructure.redis;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisCluster;

/**
 * The near cache on a Redis Cluster of three masters of this test's own: each instance tracks every
 * master on a connection of its own, and hears the changes of entries on every one of them.
 */
class NearCacheOnClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PREFIX = "cl";

    private static RedisCluster cluster;
    /** One project per master: its entries live on that master. */
    private static List<ProjectId> projects;

    private final List<RedisEntryTracking> trackings = new ArrayList<>();
    private Instance a;
    private Instance b;
    private ReactiveRedisDataSource behindTheBack;

    private record Instance(RedisNearCache cache, SimpleMeterRegistry meters) {

        Optional<CacheEntry> read(ProjectId project, String key) {
            return cache.find(project, CacheKey.of(key)).await().atMost(WAIT);
        }

        double hits() {
            return meters.counter(RedisNearCache.READS, "result", "hit").count();
        }
    }

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3);
        ReactiveRedisDataSource node = RedisClients.dataSource(cluster.masters().get(0).url());
        projects = new ArrayList<>();
        for (int master = 0; master < 3; master++) {
            for (int i = 0; ; i++) {
                ProjectId candidate = ProjectId.of("m" + master + "-" + i);
                long slot = node.execute(Command.CLUSTER, "KEYSLOT", "{p:" + candidate.value() + "}").await().atMost(WAIT).toLong();
                if (slot >= cluster.firstSlot(master) && slot <= cluster.lastSlot(master)) {
                    projects.add(candidate);
                    break;
                }
            }
        }
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void twoInstances() {
        a = instance();
        b = instance();
        behindTheBack = RedisClients.dataSource(cluster.options());
        Awaitility.await().atMost(WAIT).until(() -> a.cache().live() && b.cache().live());
    }

    @AfterEach
    void stopTracking() {
        trackings.forEach(t -> t.close().await().atMost(WAIT));
    }

    private Instance instance() {
        ReactiveRedisDataSource redis = RedisClients.dataSource(cluster.options());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisNearCache cache = new RedisNearCache(new RedisCacheRepository(redis, PREFIX, Clock.systemUTC(), Duration.ofDays(31), ValueCodecs.standard()),
                new HotEntries(1 << 24, 10_000, Duration.ofMinutes(10), Clock.systemUTC()), project -> true, meters);
        RedisEntryTracking tracking = new RedisEntryTracking(RedisTrackedNodes.of(redis, cluster.options(), RedisClients.vertx()),
                PREFIX, Duration.ofMillis(200), Duration.ofMillis(500), cache);
        trackings.add(tracking);
        tracking.start();
        return new Instance(cache, meters);
    }

    private static CacheWrite json(String value) {
        return new CacheWrite(value, Ttl.ofSeconds(600), Set.of(), Precondition.always());
    }

    private void heldByB(ProjectId project, String key) {
        double hits = b.hits();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            b.read(project, key);
            return b.hits() > hits;
        });
    }

    @Test
    void eachInstanceTracksEveryMasterOnAConnectionOfItsOwn() {
        for (var master : cluster.masters()) {
            String clients = RedisClients.dataSource(master.url()).execute(Command.CLIENT, "LIST").await().atMost(WAIT).toString();
            long tracked = clients.lines()
                    .filter(l -> Arrays.asList(l.split(" ")).contains("name=" + RedisEntryTracking.CLIENT_NAME))
                    .filter(l -> l.contains("flags=") && l.split("flags=")[1].split(" ")[0].contains("t"))
                    .count();
            assertThat(tracked).as("tracking connections on " + master.url()).isEqualTo(2);
        }
    }

    @Test
    void hearsWritesOfEntriesOnEveryMaster() {
        for (ProjectId project : projects) {
            a.cache().put(project, CacheKey.of("k"), json("1")).await().atMost(WAIT);
            heldByB(project, "k");

            a.cache().put(project, CacheKey.of("k"), json("2")).await().atMost(WAIT);

            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> b.read(project, "k").map(CacheEntry::value).orElse("").equals("2"));
            heldByB(project, "k");
            assertThat(b.read(project, "k")).map(CacheEntry::value).as(project.value()).contains("2");
        }
    }

    @Test
    void hearsChangesMadeBehindTheServicesBackOnEveryMaster() {
        for (ProjectId project : projects) {
            a.cache().put(project, CacheKey.of("behind"), json("1")).await().atMost(WAIT);
            heldByB(project, "behind");

            behindTheBack.execute(Command.HSET, new RedisKeys(PREFIX).entry(project, "behind"), "v", "\"changed\"")
                    .await().atMost(WAIT);

            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> b.read(project, "behind").map(CacheEntry::value).orElse("").equals("\"changed\""));
        }
    }

    @Test
    void listsTheProjectsOfEveryMasterNotOnlyOfTheNodeAScanWouldReach() {
        ReactiveRedisDataSource redis = RedisClients.dataSource(cluster.options());
        RedisTrackedNodes nodes = RedisTrackedNodes.of(redis, cluster.options(), RedisClients.vertx());
        try {
            RedisCacheRepository repository = new RedisCacheRepository(redis, "listed", Clock.systemUTC(), Duration.ofDays(31),
                    ValueCodecs.standard(), nodes);
            for (ProjectId project : projects) {
                repository.put(project, CacheKey.of("k"), new domain.cache.CacheWrite("1", domain.cache.Ttl.ofSeconds(60), java.util.Set.of(),
                        domain.cache.Precondition.always())).await().atMost(WAIT);
            }

            assertThat(repository.projects().await().atMost(WAIT)).as("one project on each of the three masters")
                    .containsExactlyElementsOf(projects.stream().sorted(java.util.Comparator.comparing(ProjectId::value)).toList());
        } finally {
            nodes.close();
        }
    }
}
