package infrastructure.redis;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheReads;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisInspection;
import support.RedisServer;

/**
 * Two service instances' caches, each with its near cache, its own connections and its own
 * tracking, on one redis-server of this test's own (it is restarted, frozen and has its clients
 * killed): what two processes would do, built by hand in one JVM. Instance A writes, instance B
 * reads through its near cache, and B must never serve what it should know is stale.
 */
class NearCacheCoherenceOnRedisTest {

    private static final Logger LOG = Logger.getLogger(NearCacheCoherenceOnRedisTest.class);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ProjectId SHOP = ProjectId.of("shop");
    /** A read that starts this long after a write's answer must not return anything older. */
    private static final long GRACE_NANOS = Duration.ofMillis(10).toNanos();
    private static final Duration PING_INTERVAL = Duration.ofMillis(100);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(300);

    private static RedisServer server;
    private static ReactiveRedisDataSource inspection;

    private final List<RedisEntryTracking> trackings = new ArrayList<>();
    private String prefix;
    private Instance a;
    private Instance b;

    /** One instance: its cache with a near cache in front, and what it counts. */
    private record Instance(RedisNearCache cache, RedisEntryTracking tracking, SimpleMeterRegistry meters) {

        double reads(String result) {
            return meters.counter(RedisNearCache.READS, "result", result).count();
        }

        Optional<CacheEntry> read(String key) {
            return cache.find(SHOP, CacheKey.of(key)).await().atMost(WAIT);
        }

        long write(String key, String value) {
            PutOutcome outcome = cache.put(SHOP, CacheKey.of(key), json(value)).await().atMost(WAIT);
            return ((PutOutcome.Stored) outcome).version();
        }
    }

    @BeforeAll
    static void startRedis() {
        server = RedisServer.startOwn(); // stopped, frozen and restarted: never a server someone else runs
        inspection = RedisClients.dataSource(server.url());
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void twoInstances() {
        prefix = "c" + UUID.randomUUID().toString().substring(0, 8);
        a = instance();
        b = instance();
        Awaitility.await().atMost(WAIT).until(() -> a.cache().live() && b.cache().live());
    }

    @AfterEach
    void stopTracking() {
        server.resume();
        trackings.forEach(t -> t.close().await().atMost(WAIT));
    }

    private Instance instance() {
        ReactiveRedisDataSource redis = RedisClients.dataSource(server.url());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RedisNearCache cache = new RedisNearCache(new RedisCacheRepository(redis, prefix, Clock.systemUTC(), Duration.ofDays(31), ValueCodecs.standard()),
                new HotEntries(1 << 24, 10_000, Duration.ofMinutes(10), Clock.systemUTC()), project -> true, meters);
        RedisEntryTracking tracking = new RedisEntryTracking(redis, prefix, PING_INTERVAL, PING_TIMEOUT, cache);
        trackings.add(tracking);
        tracking.start();
        return new Instance(cache, tracking, meters);
    }

    private static CacheWrite json(String value) {
        return new CacheWrite(value, Ttl.ofSeconds(600), Set.of(), Precondition.always());
    }

    private String entryKey(String key) {
        return new RedisKeys(prefix).entry(SHOP, key);
    }

    /** Reads on B until it holds the entry (a read answered by its near cache), at most {@link #WAIT}. */
    private void heldByB(String key) {
        double hits = b.reads("hit");
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            b.read(key);
            return b.reads("hit") > hits;
        });
    }

    /**
     * 10,000 writes through A, one after the other, over 8 keys, while B reads the same keys in a
     * loop. Each of B's reads must return at least the version of every write acknowledged more than
     * 10 ms before the read began; and most of B's reads are answered by its near cache.
     */
    @Test
    void readsOnAnotherInstanceAreNeverStalerThanTenMillisecondsAfterAWriteWasAcknowledged() throws Exception {
        int writes = 10_000;
        int keys = 8;
        for (int k = 0; k < keys; k++) {
            a.write("k" + k, "0");
        }
        // Per key: the highest version acknowledged, and when (System.nanoTime), published together.
        AtomicLongArray acknowledged = new AtomicLongArray(keys * 2);
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < writes; i++) {
                    int k = i % keys;
                    long version = a.write("k" + k, Integer.toString(i));
                    synchronized (acknowledged) {
                        acknowledged.set(2 * k, version);
                        acknowledged.set(2 * k + 1, System.nanoTime());
                    }
                }
            } finally {
                writing.set(false);
            }
        });
        List<Long> staleness = new ArrayList<>();
        long reads = 0;
        long violations = 0;
        double hitsBefore = b.reads("hit");
        double resetsBefore = b.meters().counter("cache.near.resets").count();
        while (writing.get()) {
            int k = (int) (reads++ % keys);
            long version;
            long at;
            synchronized (acknowledged) {
                version = acknowledged.get(2 * k);
                at = acknowledged.get(2 * k + 1);
            }
            long start = System.nanoTime();
            Optional<CacheEntry> read = b.read("k" + k);
            assertThat(read).isPresent();
            if (read.get().version() < version) {
                long stale = start - at;
                staleness.add(stale);
                if (stale > GRACE_NANOS) {
                    violations++;
                }
            }
        }
        writer.get();
        double hits = b.reads("hit") - hitsBefore;

        long[] sorted = staleness.stream().mapToLong(Long::longValue).sorted().toArray();
        LOG.infof("near cache staleness: %d reads on B, %.0f answered by its near cache, %d older than a write acknowledged "
                + "before they began; their staleness p50 %.3f ms, p99 %.3f ms, max %.3f ms", reads, hits, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0));
        assertThat(violations).as("reads older than a write acknowledged over 10 ms before they began").isZero();
        assertThat(hits).as("reads on B answered by its near cache").isGreaterThan(reads / 10.0);
        // A stream of invalidations is no reason to doubt the tracking: its checks go on being confirmed.
        assertThat(b.meters().counter("cache.near.resets").count()).as("times B's near cache was emptied").isEqualTo(resetsBefore);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1 < 0 ? 0 : Math.ceil(p * sorted.length) - 1)]
                / 1e6;
    }

    @Test
    void aValueChangedOrRemovedBehindTheServicesBackIsNotServedAfterRedisReportedIt() {
        a.write("changed", "1");
        a.write("deleted", "1");
        a.write("expiring", "1");
        heldByB("changed");
        heldByB("deleted");
        heldByB("expiring");

        inspection.execute(Command.HSET, entryKey("changed"), "v", "\"behind\"", "ver", "999").await().atMost(WAIT);
        inspection.execute(Command.DEL, entryKey("deleted")).await().atMost(WAIT);
        inspection.execute(Command.PEXPIRE, entryKey("expiring"), "1").await().atMost(WAIT);

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
            assertThat(b.read("changed")).map(CacheEntry::value).contains("\"behind\"");
            assertThat(b.read("deleted")).isEmpty();
            assertThat(b.read("expiring")).isEmpty();
        });
        // And it stays so: what B holds now is what Redis holds.
        heldByB("changed");
        assertThat(b.read("changed")).map(CacheEntry::version).contains(999L);
    }

    /** An entry Redis evicts under maxmemory leaves B's near cache too, although B read it only from there. */
    @Test
    void anEntryRedisEvictsIsNotServedAfterwards() throws Exception {
        a.write("evicted", "1");
        heldByB("evicted");
        String policy = configGet("maxmemory-policy");
        String memory = configGet("maxmemory");
        try {
            long used = RedisInspection.integer(inspection, Command.MEMORY, "USAGE", entryKey("evicted"));
            assertThat(used).isPositive();
            server.command("CONFIG SET maxmemory-policy allkeys-random");
            String usedMemory = inspection.execute(Command.INFO, "memory").await().atMost(WAIT).toString().lines()
                    .filter(l -> l.startsWith("used_memory:")).findFirst().orElseThrow().substring("used_memory:".length()).trim();
            server.command("CONFIG SET maxmemory " + (Long.parseLong(usedMemory) + 200_000));
            String filler = "x".repeat(1000);
            for (int i = 0; i < 2_000 && exists(entryKey("evicted")); i += 100) {
                List<String> args = new ArrayList<>();
                for (int j = i; j < i + 100; j++) {
                    args.add(prefix + ":filler:" + j);
                    args.add(filler);
                }
                inspection.execute(Command.MSET, args.toArray(String[]::new)).onFailure().recoverWithNull().await().atMost(WAIT);
            }
            assertThat(exists(entryKey("evicted"))).as("Redis evicted the entry").isFalse();
        } finally {
            server.command("CONFIG SET maxmemory " + memory);
            server.command("CONFIG SET maxmemory-policy " + policy);
        }
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> b.read("evicted").isEmpty());
    }

    private boolean exists(String key) {
        return RedisInspection.integer(inspection, Command.EXISTS, key) == 1;
    }

    private String configGet(String name) {
        io.vertx.mutiny.redis.client.Response reply = inspection.execute(Command.CONFIG, "GET", name).await().atMost(WAIT);
        return reply.type() == io.vertx.redis.client.ResponseType.MULTI && !reply.isMap() ? reply.get(1).toString() : reply.get(name).toString();
    }

    /**
     * Read statistics go to Redis every second from every instance: were they part of the tracked
     * entry, each recording would empty every near cache of what was read.
     */
    @Test
    void anotherInstancesRecordingOfReadsLeavesTheCopiesInPlace() {
        a.write("read-everywhere", "1");
        heldByB("read-everywhere");
        double heard = b.meters().counter("cache.near.invalidations").count();
        double misses = b.reads("miss");

        a.cache().record(new CacheReads(Map.of(SHOP, new CacheReads.ProjectReads(0,
                Map.of(CacheKey.of("read-everywhere"), new CacheReads.EntryReads(7, Instant.now())))))).await().atMost(WAIT);
        a.write("other", "1"); // Redis reports changes in order: once this one is heard, the recording would have been
        Awaitility.await().atMost(WAIT).until(() -> b.meters().counter("cache.near.invalidations").count() > heard);

        assertThat(b.read("read-everywhere")).isPresent();
        assertThat(b.reads("miss")).isEqualTo(misses);
        assertThat(a.read("read-everywhere")).map(CacheEntry::hits).contains(7L);
    }

    @Test
    void aFlushOfTheDatabaseEmptiesTheNearCache() {
        a.write("flushed", "1");
        heldByB("flushed");

        inspection.execute(Command.FLUSHALL).await().atMost(WAIT);

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> b.read("flushed").isEmpty());
        assertThat(b.meters().counter("cache.near.resets").count()).isPositive();
    }

    /**
     * {@code CLIENT KILL} of every tracking connection: the near caches switch off and empty at
     * once, a change made while tracking is down is read from Redis, and they come back by
     * themselves, coherent again.
     */
    @Test
    void aKilledTrackingConnectionSwitchesTheNearCacheOffUntilTrackingIsBack() throws Exception {
        a.write("k", "1");
        heldByB("k");

        double resets = b.meters().counter("cache.near.resets").count();
        killTrackingConnections();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(1))
                .until(() -> b.meters().counter("cache.near.resets").count() > resets);
        inspection.execute(Command.HSET, entryKey("k"), "v", "\"while-off\"").await().atMost(WAIT);
        assertThat(b.read("k")).map(CacheEntry::value).contains("\"while-off\"");

        Awaitility.await().atMost(WAIT).until(() -> b.cache().live());
        assertThat(b.meters().get("cache.near.state").gauge().value()).isEqualTo(1);
        heldByB("k");
        inspection.execute(Command.HSET, entryKey("k"), "v", "\"after\"").await().atMost(WAIT);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> b.read("k").map(CacheEntry::value).orElse("").equals("\"after\""));
    }

    private void killTrackingConnections() {
        String clients = inspection.execute(Command.CLIENT, "LIST").await().atMost(WAIT).toString();
        List<String> ids = clients.lines()
                .filter(l -> Arrays.asList(l.split(" ")).contains("name=" + RedisEntryTracking.CLIENT_NAME))
                .map(l -> l.substring(3, l.indexOf(' ')))
                .toList();
        assertThat(ids).hasSizeGreaterThanOrEqualTo(2);
        ids.forEach(id -> inspection.execute(Command.CLIENT, "KILL", "ID", id).await().atMost(WAIT));
    }

    /**
     * A master demoted to a replica (as Sentinel demotes an old master that comes back, or a partition
     * leaves one behind) keeps serving while entries change elsewhere: the near cache switches off,
     * stays off while the node is a replica, and comes back once it is a master again.
     */
    @Test
    void aMasterDemotedToAReplicaSwitchesTheNearCacheOff() throws Exception {
        a.write("k", "1");
        heldByB("k");
        double resets = b.meters().counter("cache.near.resets").count();
        try {
            server.command("REPLICAOF 127.0.0.1 1"); // a master that is never there: the node stays a replica

            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> b.meters().counter("cache.near.resets").count() > resets);
            // Off, and it stays off over three checks: no tracking is made on a replica.
            Awaitility.await().during(PING_INTERVAL.multipliedBy(3)).atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> !b.cache().live() && b.cache().size() == 0);
        } finally {
            server.command("REPLICAOF NO ONE");
        }
        Awaitility.await().atMost(WAIT).until(() -> b.cache().live());
        heldByB("k");
    }

    /**
     * A restart may lose what Redis held, and writes made before tracking is back go unreported: B
     * must answer neither from what it held before, and comes back by itself.
     */
    @Test
    void aRedisRestartEmptiesTheNearCacheAndItComesBackByItself() {
        a.write("k", "1");
        heldByB("k");

        server.stop(false);
        Awaitility.await().atMost(WAIT).until(() -> !b.cache().live());
        assertThat(b.cache().size()).isZero();
        server.restart();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> a.write("k", "2") > 0);

        assertThat(b.read("k")).map(CacheEntry::value).contains("2");
        Awaitility.await().atMost(WAIT).until(() -> b.cache().live());
        heldByB("k");
        a.write("k", "3");
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> b.read("k").map(CacheEntry::value).orElse("").equals("3"));
    }

    /**
     * A hung Redis (SIGSTOP) answers nothing, PING included: the near cache switches off within the
     * ping interval and timeout, and is back once Redis answers again.
     */
    @Test
    void aHungRedisSwitchesTheNearCacheOffAndItComesBackAfterwards() {
        a.write("k", "1");
        heldByB("k");

        server.pause();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> !b.cache().live());
        assertThat(b.cache().size()).isZero();
        assertThat(b.meters().get("cache.near.state").gauge().value()).isZero();
        server.resume();

        Awaitility.await().atMost(WAIT).until(() -> b.cache().live());
        heldByB("k");
        inspection.execute(Command.HSET, entryKey("k"), "v", "\"after\"").await().atMost(WAIT);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> b.read("k").map(CacheEntry::value).orElse("").equals("\"after\""));
    }
}
