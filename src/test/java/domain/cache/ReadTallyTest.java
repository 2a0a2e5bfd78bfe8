package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.project.ProjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadTallyTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ProjectId BLOG = ProjectId.of("blog");
    private static final CacheKey K = CacheKey.of("k");
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    private final ReadTally tally = new ReadTally(1_000);

    @Test
    void answersTheHitsNotRecordedYetIncludingThisOne() {
        assertThat(tally.hit(SHOP, K, T0)).isEqualTo(1);
        assertThat(tally.hit(SHOP, K, T0)).isEqualTo(2);
        assertThat(tally.hit(BLOG, K, T0)).isEqualTo(1);
        assertThat(tally.unrecordedHits(SHOP, K)).isEqualTo(2);
    }

    @Test
    void drainsEveryHeldReadIntoOneBatchWithTheLatestAccessPerEntry() {
        tally.hit(SHOP, K, T0.plusSeconds(2));
        tally.hit(SHOP, K, T0);
        tally.miss(SHOP);
        tally.hit(BLOG, K, T0);

        CacheReads batch = tally.drain().orElseThrow();

        assertThat(batch.projects()).isEqualTo(Map.of(
                SHOP, new CacheReads.ProjectReads(1, Map.of(K, new CacheReads.EntryReads(2, T0.plusSeconds(2)))),
                BLOG, new CacheReads.ProjectReads(0, Map.of(K, new CacheReads.EntryReads(1, T0)))));
        assertThat(batch.reads()).isEqualTo(4);
        assertThat(tally.heldReads()).isZero();
        assertThat(tally.drain()).isEmpty();
    }

    @Test
    void aBatchOnItsWayStillCountsUntilTheStoreTookIt() {
        tally.hit(SHOP, K, T0);
        tally.miss(SHOP);
        CacheReads batch = tally.drain().orElseThrow();

        assertThat(tally.hit(SHOP, K, T0)).isEqualTo(2);
        assertThat(tally.withUnrecorded(SHOP, new CacheStats(1, 10, 10))).isEqualTo(new CacheStats(1, 12, 11));

        tally.settled(batch, List.of());

        assertThat(tally.unrecordedHits(SHOP, K)).isEqualTo(1);
        assertThat(tally.withUnrecorded(SHOP, new CacheStats(1, 11, 11))).isEqualTo(new CacheStats(1, 12, 11));
    }

    @Test
    void aBatchTheStoreRefusedIsHeldAgainForTheNextOne() {
        tally.hit(SHOP, K, T0.plusSeconds(1));
        tally.miss(BLOG);
        CacheReads refused = tally.drain().orElseThrow();
        tally.hit(SHOP, K, T0);

        assertThat(tally.settled(refused, List.of(refused))).isZero();

        assertThat(tally.heldReads()).isEqualTo(3);
        assertThat(tally.drain().orElseThrow().projects()).isEqualTo(Map.of(
                SHOP, new CacheReads.ProjectReads(0, Map.of(K, new CacheReads.EntryReads(2, T0.plusSeconds(1)))),
                BLOG, new CacheReads.ProjectReads(1, Map.of())));
    }

    @Test
    void holdsAgainOnlyThePartsTheStoreRefused() {
        tally.hit(SHOP, K, T0);
        tally.hit(BLOG, K, T0);
        CacheReads batch = tally.drain().orElseThrow();
        CacheReads blogPart = new CacheReads(Map.of(BLOG, batch.projects().get(BLOG)));

        assertThat(tally.settled(batch, List.of(blogPart))).isZero();

        assertThat(tally.unrecordedHits(SHOP, K)).isZero();
        assertThat(tally.unrecordedHits(BLOG, K)).isEqualTo(1);
        assertThat(tally.drain().orElseThrow()).isEqualTo(blogPart);
    }

    @Test
    void dropsARefusedBatchRatherThanHoldMoreEntriesThanItsBound() {
        ReadTally small = new ReadTally(2);
        small.hit(SHOP, CacheKey.of("a"), T0);
        small.hit(SHOP, CacheKey.of("b"), T0);
        CacheReads refused = small.drain().orElseThrow();
        small.hit(SHOP, CacheKey.of("c"), T0);

        assertThat(small.settled(refused, List.of(refused))).isEqualTo(2);

        assertThat(small.heldReads()).isEqualTo(1);
        assertThat(small.unrecordedHits(SHOP, CacheKey.of("a"))).isZero();
    }

    @Test
    void twoBatchesWithEqualReadsAreSettledOneByOne() {
        tally.hit(SHOP, K, T0);
        CacheReads first = tally.drain().orElseThrow();
        tally.hit(SHOP, K, T0);
        CacheReads second = tally.drain().orElseThrow();
        assertThat(first).isEqualTo(second);

        tally.settled(second, List.of());

        assertThat(tally.unrecordedHits(SHOP, K)).isEqualTo(1);
        tally.settled(first, List.of());
        assertThat(tally.unrecordedHits(SHOP, K)).isZero();
    }

    @Test
    void losesNoReadWhileThreadsCountAndDrainAtOnce() throws Exception {
        int threads = 4;
        int readsPerThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CacheReads> batches = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < readsPerThread; i++) {
                        if (i % 3 == 0) {
                            tally.miss(SHOP);
                        } else {
                            tally.hit(SHOP, CacheKey.of("k" + (i % 50)), T0);
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.MILLISECONDS)) {
                tally.drain().ifPresent(batches::add);
            }
        } finally {
            pool.shutdownNow();
        }
        tally.drain().ifPresent(batches::add);

        assertThat(batches.stream().mapToLong(CacheReads::reads).sum()).isEqualTo((long) threads * readsPerThread);
    }

    @Test
    void namesItsRules() {
        assertThatThrownBy(() -> new ReadTally(0)).hasMessageContaining("at least one entry");
        assertThatThrownBy(() -> new CacheReads.EntryReads(0, T0)).hasMessageContaining("at least one hit");
        assertThatThrownBy(() -> new CacheReads.ProjectReads(-1, Map.of())).hasMessageContaining("negative number of misses");
    }
}
