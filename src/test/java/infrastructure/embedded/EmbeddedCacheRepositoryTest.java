package infrastructure.embedded;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import contract.CacheRepositoryContract;
import domain.StoreFullException;
import domain.StoreUnavailableException;
import domain.cache.CacheEntry;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.CacheWrite;
import domain.cache.KeyPattern;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import io.smallrye.mutiny.Uni;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/**
 * The embedded cache against the contract, with hot entries held in process as the service runs it,
 * plus what only it has: a file that outlives the process, no entry bound, and reads answered from
 * process memory that never trail an acknowledged write.
 */
class EmbeddedCacheRepositoryTest extends CacheRepositoryContract {

    /** What the service holds by default is more; this holds every entry of these tests. */
    static final long HOT_BYTES = 16 << 20;

    /** Every database this test opened; the contract's restart opens a second one. */
    private final List<EmbeddedDatabase> opened = new ArrayList<>();
    private EmbeddedDatabase db;

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        db = EmbeddedDatabases.fresh();
        opened.add(db);
        return new EmbeddedCacheRepository(db, clock, RETENTION, HOT_BYTES, ValueCodecs.standard());
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(EmbeddedDatabase::close);
    }

    private long rows(String table) {
        return EmbeddedDatabases.rows(db, table);
    }

    private void reopen() {
        Path directory = db.directory();
        db.close();
        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        opened.add(db);
        cache = new EmbeddedCacheRepository(db, clock, RETENTION, HOT_BYTES, ValueCodecs.standard());
    }

    @Test
    void keepsEntriesTagsVersionsAndStatisticsAcrossAReopening() {
        PutOutcome.Stored stored = store(SHOP, "user:1", tagged("{\"n\":1}", "users"));
        store(SHOP, "user:2", tagged("{\"n\":2}", "users"));
        CacheEntry read = read(SHOP, "user:1").orElseThrow();
        await(cache.record(reads(SHOP, 1, hits("user:1", 2, clock.instant()))));

        reopen();

        assertThat(read(SHOP, "user:1").orElseThrow()).isEqualTo(new CacheEntry(read.key(), "{\"n\":1}", stored.version(),
                read.createdAt(), stored.expiresAt(), read.tags(), 2, clock.instant()));
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(2, 2, 1));
        assertThat(allKeys(SHOP, KeyPattern.ALL, 10)).containsExactly("user:1", "user:2");
        assertThat(store(SHOP, "user:1", json("3")).version()).isGreaterThan(stored.version());
        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("users")))).isEqualTo(1);
    }

    @Test
    void sweepsExpiredEntriesWithTheirTagsAndThenIdleProjectsOutOfTheTables() {
        IntStream.range(0, 1_200).forEach(i -> store(SHOP, "k" + i, new CacheWrite("1", Ttl.ofSeconds(5),
                Set.of(CacheTag.of("short"), CacheTag.of("all")), Precondition.always())));
        store(BLOG, "stays", tagged("1", "all"));
        clock.advance(Duration.ofSeconds(5));

        db.sweepNow();

        assertThat(rows("cache_entries")).isEqualTo(1);
        assertThat(rows("cache_tags")).isEqualTo(1);
        assertThat(rows("cache_projects")).as("kept for their retention").isEqualTo(2);
        assertThat(read(BLOG, "stays")).isPresent();

        clock.advance(RETENTION);
        db.sweepNow();

        assertThat(rows("cache_entries")).isZero();
        assertThat(rows("cache_tags")).isZero();
        assertThat(rows("cache_projects")).isZero();
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(0, 0, 0));
    }

    @Test
    void answersAHotReadFromProcessMemoryWithoutTheDatabase() {
        store(SHOP, "written", json("1"));
        store(SHOP, "read", json("2"));
        await(cache.remove(SHOP, List.of(key("read"))));
        store(SHOP, "read", json("3"));
        reopen();
        read(SHOP, "read");

        db.close();

        assertThat(read(SHOP, "read").orElseThrow().value()).isEqualTo("3");
        assertThatThrownBy(() -> read(SHOP, "written")).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void bulkRemovalsDropTheEntriesHeldInProcessBatchByBatch() {
        IntStream.range(0, EmbeddedCacheRepository.REMOVE_BATCH + 10).forEach(i -> store(SHOP, "t" + i, tagged("1", "bulk")));
        IntStream.range(0, EmbeddedCacheRepository.REMOVE_BATCH + 10).forEach(i -> store(BLOG, "k" + i, json("1")));
        read(SHOP, "t0");
        read(BLOG, "k0");

        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("bulk")))).isEqualTo(EmbeddedCacheRepository.REMOVE_BATCH + 10);
        assertThat(await(cache.removeAll(BLOG))).isEqualTo(EmbeddedCacheRepository.REMOVE_BATCH + 10);

        assertThat(read(SHOP, "t0")).isEmpty();
        assertThat(read(SHOP, "t" + (EmbeddedCacheRepository.REMOVE_BATCH + 9))).isEmpty();
        assertThat(read(BLOG, "k0")).isEmpty();
        assertThat(read(BLOG, "k" + (EmbeddedCacheRepository.REMOVE_BATCH + 9))).isEmpty();
    }

    @Test
    void aReadAfterAnAcknowledgedWriteNeverSeesAnOlderVersionWhileReadsAndWritesRace() throws Exception {
        int writers = 2;
        int readers = 2;
        int writes = 400;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        AtomicLong acknowledged = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> stale = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < writes; i++) {
                        long version = store(SHOP, "hot", json(Integer.toString(i))).version();
                        acknowledged.accumulateAndGet(version, Math::max);
                        if (i % 4 == 0) {
                            await(cache.remove(SHOP, List.of(key("hot"))));
                        }
                    }
                }));
            }
            for (int r = 0; r < readers; r++) {
                pool.submit(() -> {
                    while (writing.get()) {
                        long before = acknowledged.get();
                        read(SHOP, "hot").ifPresent(e -> {
                            if (e.version() < before) {
                                stale.add(e.version() + " read after " + before + " was acknowledged");
                            }
                        });
                    }
                });
            }
            for (Future<?> writer : running) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        long last = store(SHOP, "hot", json("\"last\"")).version();

        assertThat(stale).isEmpty();
        assertThat(read(SHOP, "hot").orElseThrow().version()).isEqualTo(last);
    }

    @Test
    void keepsMoreEntriesThanAnyInMemoryBoundAndEvictsNone() {
        IntStream.range(0, 3_000).forEach(i -> store(i % 2 == 0 ? SHOP : BLOG, "k" + i, json("1")));

        assertThat(await(cache.stats(SHOP)).entries()).isEqualTo(1_500);
        assertThat(await(cache.stats(BLOG)).entries()).isEqualTo(1_500);
    }

    @Test
    void refusesAWriteThatTheFileCannotHoldAndKeepsWhatItHolds() {
        db = EmbeddedDatabases.open(EmbeddedDatabases.newDirectory(), 1 << 20);
        opened.add(db);
        // As text: compressed, the repeated character would fit.
        cache = new EmbeddedCacheRepository(db, clock, RETENTION, HOT_BYTES, ValueCodecs.asText());
        store(SHOP, "small", json("1"));
        String big = "\"" + "x".repeat(1024 * 1024) + "\"";

        assertThatThrownBy(() -> await(cache.put(SHOP, key("big"), json(big)))).isInstanceOf(StoreFullException.class);

        assertThat(read(SHOP, "big")).isEmpty();
        assertThat(read(SHOP, "small")).isPresent();
        store(SHOP, "after", json("2"));
    }

    @Test
    void reportsAsStoredExactlyTheWritesThatStayWhenOneWriteInTheirBatchFindsTheFileFull() {
        db = EmbeddedDatabases.open(EmbeddedDatabases.newDirectory(), 1 << 20);
        opened.add(db);
        // As text: compressed, the repeated character would fit.
        cache = new EmbeddedCacheRepository(db, clock, RETENTION, HOT_BYTES, ValueCodecs.asText());
        String big = "\"" + "x".repeat(1024 * 1024) + "\"";
        List<Uni<PutOutcome>> writes = new ArrayList<>();
        IntStream.range(0, 60).forEach(i -> writes.add(i == 30
                ? cache.put(SHOP, key("big"), json(big))
                : cache.put(SHOP, key("k" + i), json(Integer.toString(i)))));

        List<Object> outcomes = await(Uni.join().all(writes.stream()
                .map(w -> w.map(o -> (Object) o).onFailure().recoverWithItem(f -> f)).toList()).andFailFast());

        assertThat(outcomes.get(30)).isInstanceOf(StoreFullException.class);
        for (int i = 0; i < 60; i++) {
            if (i != 30) {
                assertThat(read(SHOP, "k" + i).isPresent()).as("k%d was answered %s", i, outcomes.get(i))
                        .isEqualTo(outcomes.get(i) instanceof PutOutcome.Stored);
            }
        }
        store(SHOP, "after", json("2"));
    }
}
