package infrastructure.redis;

import contract.CacheRepositoryContract;
import domain.cache.CacheRepository;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import support.MutableClock;
import support.RedisClients;
import support.SharedCluster;
import support.ValueCodecs;

/** The Redis near cache against the cache contract, on a Redis Cluster of three masters. */
class NearCacheContractOnClusterTest extends CacheRepositoryContract {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<RedisEntryTracking> trackings = new ArrayList<>();

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        String prefix = "n" + UUID.randomUUID().toString().substring(0, 8);
        // As the service wires it on a cluster: one set of masters for the tracking and the listing of projects,
        // closed with the tracking.
        RedisTrackedNodes nodes = RedisTrackedNodes.of(SharedCluster.dataSource(), SharedCluster.cluster().options(), RedisClients.vertx());
        RedisNearCache cache = new RedisNearCache(
                new RedisCacheRepository(SharedCluster.dataSource(), prefix, clock, RETENTION, ValueCodecs.standard(), nodes),
                new HotEntries(1 << 24, 10_000, Duration.ofMinutes(10), clock), project -> !project.value().equals("excluded"),
                new SimpleMeterRegistry(), (project, key) -> Uni.createFrom().voidItem());
        RedisEntryTracking tracking = new RedisEntryTracking(nodes, prefix, Duration.ofMillis(200), Duration.ofMillis(500), cache);
        trackings.add(tracking);
        tracking.start();
        Awaitility.await().atMost(WAIT).until(cache::live);
        return cache;
    }

    @AfterEach
    void stopTracking() {
        trackings.forEach(t -> t.close().await().atMost(WAIT));
    }
}
