package infrastructure.hot;

import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.project.ProjectId;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The fill race, step by step: a read that began before a change never puts its older copy in place of the change. */
class HotEntriesTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final HotEntries.Id ID = new HotEntries.Id(SHOP, "k");

    private final MutableClock clock = new MutableClock();
    private final HotEntries hot = new HotEntries(1 << 20, clock);

    private CacheEntry version(long version) {
        Instant now = clock.instant();
        return new CacheEntry(CacheKey.of("k"), "\"v" + version + "\"", version, now, now.plusSeconds(60), Set.of(), 0, now);
    }

    @Test
    void holdsWhatAReadFoundWhenNothingChangedMeanwhile() {
        long stamp = hot.stamp(ID);

        hot.fill(ID, version(1), stamp);

        assertThat(hot.get(ID)).isEqualTo(version(1));
    }

    @Test
    void aReadThatBeganBeforeAWriteDoesNotReplaceIt() {
        long stamp = hot.stamp(ID);
        hot.written(ID, version(2));

        hot.fill(ID, version(1), stamp);

        assertThat(hot.get(ID)).isEqualTo(version(2));
    }

    @Test
    void aReadThatBeganBeforeARemovalDoesNotBringTheEntryBack() {
        hot.written(ID, version(1));
        long stamp = hot.stamp(ID);
        hot.removed(ID);

        hot.fill(ID, version(1), stamp);

        assertThat(hot.get(ID)).isNull();
    }

    @Test
    void recordedCountsReachTheHeldCopyAndAReadFromBeforeThemIsNotHeld() {
        hot.written(ID, version(1));
        Instant readAt = clock.instant().plusSeconds(5);
        long stamp = hot.stamp(ID);

        hot.counted(ID, 3, readAt);
        hot.fill(ID, version(1), stamp);

        assertThat(hot.get(ID).hits()).isEqualTo(3);
        assertThat(hot.get(ID).lastAccessAt()).isEqualTo(readAt);
    }

    @Test
    void aCopyFilledFromTheRecordedRowIsNotCountedTwice() {
        Instant readAt = clock.instant().plusSeconds(5);
        CacheEntry committed = new CacheEntry(CacheKey.of("k"), "\"v1\"", 1, clock.instant(), clock.instant().plusSeconds(60),
                Set.of(), 3, readAt);
        hot.fill(ID, committed, hot.stamp(ID));

        hot.counted(ID, 3, readAt);

        assertThat(hot.get(ID).hits()).isEqualTo(3);
    }

    @Test
    void holdsNoMoreBytesThanItsBound() {
        HotEntries small = new HotEntries(64 * 1024, clock);
        for (int i = 0; i < 1_000; i++) {
            HotEntries.Id id = new HotEntries.Id(SHOP, "k" + i);
            small.written(id, new CacheEntry(CacheKey.of("k" + i), "\"" + "x".repeat(500) + "\"", i, clock.instant(),
                    clock.instant().plusSeconds(60), Set.of(), 0, clock.instant()));
        }

        assertThat(small.size()).isBetween(1L, 64L);
    }

    /** New counts are no new read: a copy counted again and again still leaves after the longest lifetime. */
    @Test
    void aCopyLeavesAfterTheLongestLifetimeHoweverOftenItIsCounted() {
        HotEntries brief = new HotEntries(1 << 20, 100, java.time.Duration.ofMillis(200), clock);
        brief.fill(ID, version(1), brief.stamp(ID));
        assertThat(brief.get(ID)).isNotNull();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(10))
                .until(() -> {
                    brief.counted(ID, 5, clock.instant());
                    return brief.get(ID) == null;
                });
    }

    @Test
    void holdsNoMoreEntriesThanItsBound() {
        HotEntries few = new HotEntries(1 << 20, 10, null, clock);
        for (int i = 0; i < 1_000; i++) {
            HotEntries.Id id = new HotEntries.Id(SHOP, "k" + i);
            few.fill(id, version(1), few.stamp(id));
        }

        assertThat(few.size()).isLessThanOrEqualTo(10);
    }
}
