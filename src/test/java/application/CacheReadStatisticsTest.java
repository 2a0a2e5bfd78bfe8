package application;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CachePolicy;
import domain.cache.CacheStats;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryCacheRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import support.FailingCacheStore;
import support.MutableClock;

/**
 * A cache read is a pure read of the store: its statistics are counted in process and go to the store
 * in batches, while every answer of this instance already counts them.
 */
class CacheReadStatisticsTest {

    private static final Principal BACKEND = new Principal("backend", ProjectAccess.all(), Set.of(Scope.CACHE_READ, Scope.CACHE_WRITE));
    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final CacheKey KEY = CacheKey.of("k");
    private static final int BUFFER = 5;

    private final MutableClock clock = new MutableClock();
    private final InMemoryCacheRepository memory = new InMemoryCacheRepository(clock, 1_000, Duration.ofDays(31), ValueCodecs.standard());
    private final FailingCacheStore store = new FailingCacheStore(memory);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CacheService cache = new CacheService(store, new CachePolicy(Ttl.ofSeconds(60), Ttl.ofSeconds(3600), 1024, 4),
            new CacheSettings(false, BUFFER, Duration.ofSeconds(1), Duration.ofSeconds(1)), meters, clock);

    @Test
    void aReadAnswersItsHitsAndLastAccessBeforeTheStoreHasThem() {
        write();
        clock.advance(Duration.ofSeconds(3));
        Instant readAt = clock.instant();

        read();
        CacheEntry second = read();

        assertThat(second.hits()).isEqualTo(2);
        assertThat(second.lastAccessAt()).isEqualTo(readAt);
        assertThat(stored().hits()).isZero();
        assertThat(store.records.get()).isZero();
    }

    @Test
    void statisticsCountTheReadsNotRecordedYet() {
        write();
        read();
        read();
        cache.read(BACKEND, SHOP, CacheKey.of("missing")).await().atMost(Duration.ofSeconds(5));

        assertThat(stats()).isEqualTo(new CacheStats(1, 2, 1));
        assertThat(storedStats()).isEqualTo(new CacheStats(1, 0, 0));
    }

    @Test
    void aFullBufferGoesToTheStoreInOneBatch() {
        write();
        for (int i = 0; i < BUFFER; i++) {
            read();
        }

        assertThat(store.records.get()).isEqualTo(1);
        assertThat(stored().hits()).isEqualTo(BUFFER);
        assertThat(storedStats()).isEqualTo(new CacheStats(1, BUFFER, 0));
        assertThat(read().hits()).isEqualTo(BUFFER + 1);
    }

    @Test
    void aFlushSendsWhatIsHeldAndNothingTwice() {
        write();
        read();
        read();

        cache.flushReads().await().atMost(Duration.ofSeconds(5));
        cache.flushReads().await().atMost(Duration.ofSeconds(5));

        assertThat(store.records.get()).isEqualTo(1);
        assertThat(stored().hits()).isEqualTo(2);
        assertThat(stats()).isEqualTo(new CacheStats(1, 2, 0));
        assertThat(read().hits()).isEqualTo(3);
    }

    @Test
    void readsTheStoreRefusedGoWithTheNextBatch() {
        write();
        read();
        read();
        store.refuseNextRecords(1);

        cache.flushReads().await().atMost(Duration.ofSeconds(5));

        assertThat(stored().hits()).isZero();
        assertThat(stats()).isEqualTo(new CacheStats(1, 2, 0));
        assertThat(read().hits()).isEqualTo(3);
        cache.flushReads().await().atMost(Duration.ofSeconds(5));
        assertThat(stored().hits()).isEqualTo(3);
        assertThat(meters.counter(CacheReadRecorder.UNRECORDED).count()).isZero();
    }

    @Test
    void aBatchGoesOneProjectAtATimeAndARefusedPartIsRecordedOnceLater() {
        ProjectId blog = ProjectId.of("blog");
        write();
        cache.write(BACKEND, blog, KEY, "1", OptionalLong.empty(), Set.of(), Precondition.always()).await().atMost(Duration.ofSeconds(5));
        read();
        read();
        for (int i = 0; i < 3; i++) {
            cache.read(BACKEND, blog, KEY).await().atMost(Duration.ofSeconds(5));
        }
        store.refuseNextRecords(1);

        cache.flushReads().await().atMost(Duration.ofSeconds(5));
        cache.flushReads().await().atMost(Duration.ofSeconds(5));

        assertThat(stored().hits()).isEqualTo(2);
        assertThat(memory.find(blog, KEY).await().atMost(Duration.ofSeconds(5)).orElseThrow().hits()).isEqualTo(3);
        assertThat(storedStats()).isEqualTo(new CacheStats(1, 2, 0));
        assertThat(meters.counter(CacheReadRecorder.UNRECORDED).count()).isZero();
    }

    @Test
    void aPartTheStoreDidNotAnswerInTimeIsDroppedNotCountedTwice() {
        CacheService impatient = new CacheService(store, new CachePolicy(Ttl.ofSeconds(60), Ttl.ofSeconds(3600), 1024, 4),
                new CacheSettings(false, 1_000, Duration.ofSeconds(1), Duration.ofMillis(50)), meters, clock);
        write();
        for (int i = 0; i < 4; i++) {
            impatient.read(BACKEND, SHOP, KEY).await().atMost(Duration.ofSeconds(5));
        }
        store.hangNextRecords(1);

        impatient.flushReads().await().atMost(Duration.ofSeconds(5));

        assertThat(meters.counter(CacheReadRecorder.UNRECORDED).count()).isEqualTo(4);
        assertThat(impatient.read(BACKEND, SHOP, KEY).await().atMost(Duration.ofSeconds(5)).orElseThrow().hits()).isEqualTo(1);
    }

    @Test
    void afterARefusalOnlyTheTimerFlushesUntilTheStoreTakesABatchAgain() {
        write();
        store.refuseNextRecords(1);
        for (int i = 0; i < BUFFER; i++) {
            read();
        }
        assertThat(store.records.get()).isEqualTo(1);

        for (int i = 0; i < BUFFER; i++) {
            read();
        }
        assertThat(store.records.get()).as("a full buffer does not flush while the store refuses").isEqualTo(1);

        cache.flushReads().await().atMost(Duration.ofSeconds(5));
        assertThat(stored().hits()).isEqualTo(2L * BUFFER);
        for (int i = 0; i < BUFFER; i++) {
            read();
        }
        assertThat(store.records.get()).as("the buffer flushes again once the store took a batch").isEqualTo(3);
    }

    private void write() {
        cache.write(BACKEND, SHOP, KEY, "1", OptionalLong.empty(), Set.of(), Precondition.always()).await().atMost(Duration.ofSeconds(5));
    }

    private CacheEntry read() {
        return cache.read(BACKEND, SHOP, KEY).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }

    private CacheStats stats() {
        return cache.stats(BACKEND, SHOP).await().atMost(Duration.ofSeconds(5));
    }

    /** The entry as the store has it, with only the reads recorded there. */
    private CacheEntry stored() {
        return memory.find(SHOP, KEY).await().atMost(Duration.ofSeconds(5)).orElseThrow();
    }

    private CacheStats storedStats() {
        return memory.stats(SHOP).await().atMost(Duration.ofSeconds(5));
    }
}
