package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheReads;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.CacheWrite;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every cache adapter must have, run against each of them: what one store does, the
 * other does, down to counts and versions.
 */
public abstract class CacheRepositoryContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final Duration RETENTION = Duration.ofDays(31);

    protected final MutableClock clock = new MutableClock();
    protected CacheRepository cache;

    /** A fresh, empty repository on {@link #clock}, isolated from every other test. */
    protected abstract CacheRepository newRepository(MutableClock clock);

    @BeforeEach
    void createRepository() {
        cache = newRepository(clock);
    }

    // --- fixtures that read like sentences

    protected static CacheKey key(String name) {
        return CacheKey.of(name);
    }

    protected static CacheWrite json(String value) {
        return new CacheWrite(value, Ttl.ofSeconds(60), Set.of(), Precondition.always());
    }

    protected static CacheWrite json(String value, Precondition precondition) {
        return new CacheWrite(value, Ttl.ofSeconds(60), Set.of(), precondition);
    }

    protected static CacheWrite tagged(String value, String... tags) {
        Set<CacheTag> set = new HashSet<>();
        for (String t : tags) {
            set.add(CacheTag.of(t));
        }
        return new CacheWrite(value, Ttl.ofSeconds(60), set, Precondition.always());
    }

    protected static CacheWrite living(String value, long seconds) {
        return new CacheWrite(value, Ttl.ofSeconds(seconds), Set.of(), Precondition.always());
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    protected PutOutcome.Stored store(ProjectId project, String name, CacheWrite write) {
        PutOutcome outcome = await(cache.put(project, key(name), write));
        assertThat(outcome).isInstanceOf(PutOutcome.Stored.class);
        return (PutOutcome.Stored) outcome;
    }

    protected Optional<CacheEntry> read(ProjectId project, String name) {
        return await(cache.find(project, key(name)));
    }

    protected List<String> allKeys(ProjectId project, KeyPattern pattern, int pageSize) {
        List<String> keys = new ArrayList<>();
        Optional<CacheKey> after = Optional.empty();
        for (int pages = 0; pages < 100_000; pages++) {
            KeyPage page = await(cache.keys(project, pattern, after, PageSize.of(pageSize)));
            page.keys().forEach(k -> keys.add(k.value()));
            if (page.isLast()) {
                return keys;
            }
            after = page.after();
        }
        throw new AssertionError("the listing never ended");
    }

    // --- reading and writing

    @Test
    void readsBackTheJsonTextItStored() {
        String value = "{\"name\":\"Ada\",\"langs\":[\"en\",\"日本語\"],\"emoji\":\"🎉\",\"n\":1.5e3,\"nil\":null}";
        PutOutcome.Stored stored = store(SHOP, "user:42", tagged(value, "users", "team:7"));

        CacheEntry entry = read(SHOP, "user:42").orElseThrow();

        assertThat(entry.value()).isEqualTo(value);
        assertThat(entry.version()).isEqualTo(stored.version());
        assertThat(entry.tags()).containsExactlyInAnyOrder(CacheTag.of("users"), CacheTag.of("team:7"));
        assertThat(entry.expiresAt()).isEqualTo(stored.expiresAt());
        assertThat(entry.expiresAt()).isEqualTo(entry.createdAt().plusSeconds(60));
    }

    @Test
    void answersEmptyForAKeyNeverWritten() {
        assertThat(read(SHOP, "nobody")).isEmpty();
    }

    @Test
    void storesAValueOfOneMebibyteIntact() {
        String big = "\"" + "x".repeat(1024 * 1024 - 2) + "\"";
        store(SHOP, "big", json(big));
        assertThat(read(SHOP, "big").orElseThrow().value()).isEqualTo(big);
    }

    @Test
    void keepsTheSameKeyOfTwoProjectsApart() {
        store(SHOP, "config", json("\"shop\""));
        store(BLOG, "config", json("\"blog\""));

        assertThat(read(SHOP, "config").orElseThrow().value()).isEqualTo("\"shop\"");
        assertThat(read(BLOG, "config").orElseThrow().value()).isEqualTo("\"blog\"");
    }

    @Test
    void tellsCreatedFromReplacedAndKeepsCreatedAtOnReplace() {
        PutOutcome.Stored first = store(SHOP, "k", json("1"));
        clock.advance(Duration.ofSeconds(5));
        PutOutcome.Stored second = store(SHOP, "k", json("2"));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.version()).isGreaterThan(first.version());
        CacheEntry entry = read(SHOP, "k").orElseThrow();
        assertThat(entry.value()).isEqualTo("2");
        assertThat(entry.createdAt()).isEqualTo(entry.expiresAt().minusSeconds(65));
    }

    @Test
    void neverReusesAVersionAfterTheKeyWasRemoved() {
        PutOutcome.Stored before = store(SHOP, "k", json("1"));
        await(cache.remove(SHOP, List.of(key("k"))));
        PutOutcome.Stored after = store(SHOP, "k", json("2"));

        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(await(cache.put(SHOP, key("k"), json("3", new Precondition.IfVersion(before.version())))))
                .isInstanceOf(PutOutcome.PreconditionFailed.class);
    }

    @Test
    void neverHandsOutAVersionAnEarlierStoreHandedOutOnceItsSequenceStartsAgain() {
        long oldest = store(SHOP, "k", json("1")).version();
        long newest = IntStream.range(0, 5).mapToLong(i -> store(SHOP, "k", json("1")).version()).max().orElseThrow();
        // A restart (a new memory store) or a sequence that vanished (a fresh Redis key space), a moment later.
        clock.advance(Duration.ofMillis(1));
        cache = newRepository(clock);

        PutOutcome.Stored first = store(SHOP, "k", json("2"));

        assertThat(first.version()).isGreaterThan(newest);
        for (long stale : new long[] {1, oldest, newest}) {
            assertThat(await(cache.put(SHOP, key("k"), json("3", new Precondition.IfVersion(stale)))))
                    .as("If-Match \"%d\" after the restart", stale)
                    .isInstanceOf(PutOutcome.PreconditionFailed.class);
        }
    }

    @Test
    void keepsAnImportedEntrysCreationAndGivesItAVersionNoLowerThanWhereItCameFrom() {
        long ahead = domain.cache.Versions.floor(clock.instant()) + 3_600_000_000L; // a source whose versions run an hour ahead
        java.time.Instant createdThere = clock.instant().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        PutOutcome.Stored imported = store(SHOP, "k", json("1").from(new CacheWrite.Origin(ahead, createdThere)));
        PutOutcome.Stored next = store(SHOP, "k", json("2"));
        PutOutcome.Stored behind = store(SHOP, "other", json("3").from(new CacheWrite.Origin(5, createdThere)));

        assertThat(imported.version()).isEqualTo(ahead);
        assertThat(next.version()).as("the project's versions go on from there").isGreaterThan(ahead);
        assertThat(behind.version()).as("never below the project's own").isGreaterThan(next.version());
        CacheEntry entry = read(SHOP, "other").orElseThrow();
        assertThat(entry.createdAt()).isEqualTo(createdThere);
        assertThat(entry.lastAccessAt()).as("never read: its creation").isEqualTo(createdThere);
        assertThat(read(SHOP, "k").orElseThrow().createdAt()).as("a later write of its own keeps it").isEqualTo(createdThere);
    }

    // --- pages of whole entries (an export)

    private List<domain.cache.EntryPage> entryPages(ProjectId project, int size, long maxBytes) {
        List<domain.cache.EntryPage> pages = new java.util.ArrayList<>();
        Optional<CacheKey> after = Optional.empty();
        do {
            domain.cache.EntryPage page = await(cache.entries(project, after, PageSize.of(size), maxBytes));
            pages.add(page);
            assertThat(pages).as("the walk ends").hasSizeLessThan(100);
            after = page.next();
        } while (after.isPresent());
        return pages;
    }

    @Test
    void pagesThroughWholeEntriesInKeyOrderAsTheyAreRead() {
        for (int i = 0; i < 7; i++) {
            store(SHOP, "e" + i, tagged("{\"n\":" + i + "}", "t" + (i % 2), "all"));
        }
        store(BLOG, "e3", json("\"another project's\""));
        store(SHOP, "short", living("0", 1));
        clock.advance(Duration.ofSeconds(2));

        List<domain.cache.EntryPage> pages = entryPages(SHOP, 3, Long.MAX_VALUE);

        List<CacheEntry> read = pages.stream().flatMap(p -> p.entries().stream()).toList();
        assertThat(pages.get(0).entries()).hasSize(3);
        assertThat(read).extracting(e -> e.key().value()).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6");
        for (CacheEntry entry : read) {
            CacheEntry found = read(SHOP, entry.key().value()).orElseThrow();
            assertThat(entry.value()).isEqualTo(found.value());
            assertThat(entry.version()).isEqualTo(found.version());
            assertThat(entry.createdAt()).isEqualTo(found.createdAt());
            assertThat(entry.expiresAt()).isEqualTo(found.expiresAt());
            assertThat(entry.tags()).isEqualTo(found.tags());
        }
        assertThat(pages).allSatisfy(p -> assertThat(p.unreadable()).isEmpty());
        assertThat(entryPages(ProjectId.of("nothing-here"), 3, Long.MAX_VALUE)).singleElement()
                .satisfies(p -> assertThat(p.entries()).isEmpty());
    }

    @Test
    void endsAPageOnceItsValuesReachTheByteBudgetButReadsOneEntryAtLeast() {
        String hundred = "\"" + "x".repeat(98) + "\"";
        for (int i = 0; i < 7; i++) {
            store(SHOP, "e" + i, json(hundred));
        }

        assertThat(entryPages(SHOP, 100, 250)).extracting(p -> p.entries().size()).containsExactly(3, 3, 1);
        assertThat(entryPages(SHOP, 100, 1)).extracting(p -> p.entries().size()).containsOnly(1).hasSize(7);
    }

    @Test
    void startsEveryProjectsVersionsAtTheClockInMicroseconds() {
        long micros = domain.cache.Versions.floor(clock.instant());

        assertThat(store(BLOG, "k", json("1")).version()).isEqualTo(micros);
        assertThat(store(BLOG, "k", json("1")).version()).isEqualTo(micros + 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(store(BLOG, "k", json("1")).version()).isEqualTo(micros + 1_000_000);
    }

    @Test
    void readsRecordNothing() {
        store(SHOP, "k", json("1"));
        Instant written = clock.instant();
        clock.advance(Duration.ofSeconds(5));
        read(SHOP, "k");
        read(SHOP, "missing");

        CacheEntry entry = read(SHOP, "k").orElseThrow();
        assertThat(entry.hits()).isZero();
        assertThat(entry.lastAccessAt()).isEqualTo(written);
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(1, 0, 0));
    }

    @Test
    void recordsHitsOnTheEntryAndHitsAndMissesOnTheProject() {
        store(SHOP, "k", json("1"));
        store(SHOP, "other", json("2"));
        clock.advance(Duration.ofSeconds(5));
        Instant readAt = clock.instant();
        clock.advance(Duration.ofSeconds(1));

        await(cache.record(reads(SHOP, 1, hits("k", 3, readAt), hits("other", 1, readAt))));

        CacheEntry entry = read(SHOP, "k").orElseThrow();
        assertThat(entry.hits()).isEqualTo(3);
        assertThat(entry.lastAccessAt()).isEqualTo(readAt);
        CacheStats stats = await(cache.stats(SHOP));
        assertThat(stats).isEqualTo(new CacheStats(2, 4, 1));
        assertThat(stats.hitRate()).isEqualTo(0.8);
        assertThat(await(cache.stats(BLOG))).isEqualTo(new CacheStats(0, 0, 0));
    }

    @Test
    void recordedReadsAddUpAndNeverMoveTheLastAccessBack() {
        store(SHOP, "k", json("1"));
        Instant early = clock.instant().plusSeconds(1);
        Instant late = clock.instant().plusSeconds(9);
        clock.advance(Duration.ofSeconds(10));

        await(cache.record(reads(SHOP, 0, hits("k", 2, late))));
        await(cache.record(reads(SHOP, 2, hits("k", 5, early))));

        CacheEntry entry = read(SHOP, "k").orElseThrow();
        assertThat(entry.hits()).isEqualTo(7);
        assertThat(entry.lastAccessAt()).isEqualTo(late);
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(1, 7, 2));
    }

    @Test
    void hitsOnAnEntryGoneSinceCountForItsProjectOnlyAndCreateNothing() {
        store(SHOP, "removed", json("1"));
        store(SHOP, "short", living("2", 1));
        Instant readAt = clock.instant();
        await(cache.remove(SHOP, List.of(key("removed"))));
        clock.advance(Duration.ofSeconds(2));

        await(cache.record(reads(SHOP, 0, hits("removed", 2, readAt), hits("short", 3, readAt), hits("never", 1, readAt))));

        assertThat(read(SHOP, "removed")).isEmpty();
        assertThat(read(SHOP, "short")).isEmpty();
        assertThat(read(SHOP, "never")).isEmpty();
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(0, 6, 0));
        assertThat(store(SHOP, "never", json("3")).created()).isTrue();
        assertThat(read(SHOP, "never").orElseThrow().hits()).isZero();
    }

    @Test
    void aReplacementKeepsTheRecordedHits() {
        store(SHOP, "k", json("1"));
        await(cache.record(reads(SHOP, 0, hits("k", 4, clock.instant()))));

        store(SHOP, "k", json("2"));

        assertThat(read(SHOP, "k").orElseThrow().hits()).isEqualTo(4);
    }

    @Test
    void recordsReadsOfManyProjectsInOneCall() {
        store(SHOP, "k", json("1"));
        store(BLOG, "k", json("1"));
        Instant at = clock.instant();

        await(cache.record(new CacheReads(Map.of(
                SHOP, new CacheReads.ProjectReads(1, Map.of(key("k"), new CacheReads.EntryReads(2, at))),
                BLOG, new CacheReads.ProjectReads(0, Map.of(key("k"), new CacheReads.EntryReads(5, at)))))));

        assertThat(read(SHOP, "k").orElseThrow().hits()).isEqualTo(2);
        assertThat(read(BLOG, "k").orElseThrow().hits()).isEqualTo(5);
        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(1, 2, 1));
        assertThat(await(cache.stats(BLOG))).isEqualTo(new CacheStats(1, 5, 0));
    }

    @Test
    void recordsABatchLargerThanAStoreTakesInOneStep() {
        int entries = 1_100;
        Map<CacheKey, CacheReads.EntryReads> hits = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            store(SHOP, "k" + i, json("1"));
            hits.put(key("k" + i), new CacheReads.EntryReads(2, clock.instant()));
        }

        await(cache.record(new CacheReads(Map.of(SHOP, new CacheReads.ProjectReads(7, hits)))));

        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(entries, 2L * entries, 7));
        assertThat(read(SHOP, "k0").orElseThrow().hits()).isEqualTo(2);
        assertThat(read(SHOP, "k" + (entries - 1)).orElseThrow().hits()).isEqualTo(2);
    }

    @Test
    void recordingNothingChangesNothing() {
        store(SHOP, "k", json("1"));

        await(cache.record(new CacheReads(Map.of())));

        assertThat(await(cache.stats(SHOP))).isEqualTo(new CacheStats(1, 0, 0));
    }

    @SafeVarargs
    protected static CacheReads reads(ProjectId project, long misses, Map.Entry<CacheKey, CacheReads.EntryReads>... hits) {
        Map<CacheKey, CacheReads.EntryReads> entries = new HashMap<>();
        for (var hit : hits) {
            entries.put(hit.getKey(), hit.getValue());
        }
        return new CacheReads(Map.of(project, new CacheReads.ProjectReads(misses, entries)));
    }

    protected static Map.Entry<CacheKey, CacheReads.EntryReads> hits(String name, long hits, Instant at) {
        return Map.entry(key(name), new CacheReads.EntryReads(hits, at));
    }

    // --- preconditions

    @Test
    void writesIfTheVersionMatchesAndRefusesAStaleOne() {
        PutOutcome.Stored v1 = store(SHOP, "k", json("1"));
        PutOutcome.Stored v2 = store(SHOP, "k", json("2", new Precondition.IfVersion(v1.version())));

        PutOutcome stale = await(cache.put(SHOP, key("k"), json("3", new Precondition.IfVersion(v1.version()))));

        assertThat(stale).isInstanceOf(PutOutcome.PreconditionFailed.class);
        assertThat(read(SHOP, "k").orElseThrow().version()).isEqualTo(v2.version());
    }

    @Test
    void createsOnlyWhenAbsentWithIfAbsent() {
        store(SHOP, "k", json("1", new Precondition.IfAbsent()));
        assertThat(await(cache.put(SHOP, key("k"), json("2", new Precondition.IfAbsent()))))
                .isInstanceOf(PutOutcome.PreconditionFailed.class);
        assertThat(read(SHOP, "k").orElseThrow().value()).isEqualTo("1");
    }

    @Test
    void replacesOnlyWhenPresentWithIfPresent() {
        assertThat(await(cache.put(SHOP, key("k"), json("1", new Precondition.IfPresent()))))
                .isInstanceOf(PutOutcome.PreconditionFailed.class);
        assertThat(read(SHOP, "k")).isEmpty();
    }

    @Test
    void letsExactlyOneOfFiftyConcurrentConditionalWritesWin() {
        long version = store(SHOP, "counter", json("0")).version();

        List<PutOutcome> outcomes = await(Uni.join().all(IntStream.range(0, 50)
                        .mapToObj(i -> cache.put(SHOP, key("counter"), json(Integer.toString(i + 1),
                                new Precondition.IfVersion(version))))
                        .toList())
                .andFailFast());

        assertThat(outcomes).filteredOn(o -> o instanceof PutOutcome.Stored).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof PutOutcome.PreconditionFailed).hasSize(49);
    }

    // --- expiry

    @Test
    void stopsServingAnEntryOnceItsTtlHasPassed() {
        store(SHOP, "short", living("1", 5));
        store(SHOP, "long", living("2", 500));

        clock.advance(Duration.ofSeconds(5));

        assertThat(read(SHOP, "short")).isEmpty();
        assertThat(read(SHOP, "long")).isPresent();
        assertThat(allKeys(SHOP, KeyPattern.ALL, 100)).containsExactly("long");
        assertThat(await(cache.stats(SHOP)).entries()).isEqualTo(1);
    }

    @Test
    void treatsAnExpiredEntryAsAbsentForPreconditionsAndCounts() {
        PutOutcome.Stored old = store(SHOP, "k", living("1", 5));
        clock.advance(Duration.ofSeconds(6));

        assertThat(await(cache.put(SHOP, key("k"), json("2", new Precondition.IfVersion(old.version())))))
                .isInstanceOf(PutOutcome.PreconditionFailed.class);
        PutOutcome.Stored fresh = store(SHOP, "k", json("2", new Precondition.IfAbsent()));
        assertThat(fresh.created()).isTrue();
        assertThat(await(cache.remove(SHOP, List.of(key("k"))))).isEqualTo(1);
    }

    @Test
    void countsOnlyLiveEntriesAsRemoved() {
        store(SHOP, "expired", living("1", 5));
        store(SHOP, "live", living("1", 500));
        clock.advance(Duration.ofSeconds(10));

        assertThat(await(cache.remove(SHOP, List.of(key("expired"), key("live"), key("never"))))).isEqualTo(1);
    }

    // --- tags

    @Test
    void removesExactlyTheEntriesCarryingATag() {
        store(SHOP, "a", tagged("1", "red"));
        store(SHOP, "b", tagged("1", "red", "blue"));
        store(SHOP, "c", tagged("1", "blue"));
        store(SHOP, "d", json("1"));
        store(BLOG, "a", tagged("1", "red"));

        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("red")))).isEqualTo(2);

        assertThat(read(SHOP, "a")).isEmpty();
        assertThat(read(SHOP, "b")).isEmpty();
        assertThat(read(SHOP, "c")).isPresent();
        assertThat(read(SHOP, "d")).isPresent();
        assertThat(read(BLOG, "a")).isPresent();
        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("blue")))).isEqualTo(1);
    }

    @Test
    void forgetsATagWhenTheEntryIsRewrittenWithoutIt() {
        store(SHOP, "a", tagged("1", "red"));
        store(SHOP, "a", tagged("2", "blue"));

        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("red")))).isZero();
        assertThat(read(SHOP, "a").orElseThrow().value()).isEqualTo("2");
    }

    @Test
    void forgetsTheTagsOfAnExpiredEntryRewrittenWithoutThem() {
        store(SHOP, "a", new CacheWrite("1", Ttl.ofSeconds(5), Set.of(CacheTag.of("red")), Precondition.always()));
        clock.advance(Duration.ofSeconds(6));
        store(SHOP, "a", tagged("2", "blue"));

        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("red")))).isZero();
        assertThat(read(SHOP, "a").orElseThrow().value()).isEqualTo("2");
        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("blue")))).isEqualTo(1);
    }

    @Test
    void removesEveryTaggedEntryBeyondOneBatch() {
        IntStream.range(0, 1_200).forEach(i -> store(SHOP, "item:" + i, tagged("1", "bulk")));
        store(SHOP, "other", json("1"));

        assertThat(await(cache.removeTagged(SHOP, CacheTag.of("bulk")))).isEqualTo(1_200);
        assertThat(allKeys(SHOP, KeyPattern.ALL, 1000)).containsExactly("other");
    }

    // --- listing

    @Test
    void pagesThroughFiveThousandKeysWithoutLossOrDuplicates() {
        Set<String> written = new HashSet<>();
        IntStream.range(0, 5_000).forEach(i -> {
            String name = "k:" + i;
            store(SHOP, name, json("1"));
            written.add(name);
        });

        List<String> listed = allKeys(SHOP, KeyPattern.ALL, 97);

        assertThat(listed).hasSize(5_000).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(written);
        assertThat(listed).isSorted();
    }

    @Test
    void listsOnlyKeysMatchingThePattern() {
        List.of("user:1", "user:2", "user:10:profile", "usr:3", "order:1", "user").forEach(n -> store(SHOP, n, json("1")));

        assertThat(allKeys(SHOP, KeyPattern.of("user:*"), 2)).containsExactly("user:1", "user:10:profile", "user:2");
        assertThat(allKeys(SHOP, KeyPattern.of("user:?"), 100)).containsExactly("user:1", "user:2");
        assertThat(allKeys(SHOP, KeyPattern.of("*:1"), 100)).containsExactly("order:1", "user:1");
        assertThat(allKeys(SHOP, KeyPattern.of("user"), 100)).containsExactly("user");
        assertThat(allKeys(BLOG, KeyPattern.ALL, 100)).isEmpty();
    }

    @Test
    void resumesAListingAfterTheGivenKey() {
        List.of("a", "b", "c", "d").forEach(n -> store(SHOP, n, json("1")));

        KeyPage page = await(cache.keys(SHOP, KeyPattern.ALL, Optional.of(key("b")), PageSize.of(10)));

        assertThat(page.keys()).extracting(CacheKey::value).containsExactly("c", "d");
        assertThat(page.isLast()).isTrue();
    }

    @Test
    void listsTheProjectsHoldingLiveEntriesInIdOrder() {
        store(SHOP, "k", json("1"));
        store(BLOG, "k", json("1"));
        store(ProjectId.of("zeta-2"), "k", json("1"));
        store(ProjectId.of("expired"), "k", living("1", 1));
        store(ProjectId.of("cleared"), "k", json("1"));
        await(cache.removeAll(ProjectId.of("cleared")));

        clock.advance(Duration.ofSeconds(2));

        assertThat(await(cache.projects())).extracting(ProjectId::value).containsExactly("blog", "shop", "zeta-2");
    }

    // --- clearing

    @Test
    void clearsOneProjectAndLeavesTheOtherUntouched() {
        IntStream.range(0, 700).forEach(i -> store(SHOP, "k" + i, tagged("1", "t")));
        store(BLOG, "k1", tagged("\"keep\"", "t"));

        assertThat(await(cache.removeAll(SHOP))).isEqualTo(700);

        assertThat(allKeys(SHOP, KeyPattern.ALL, 1000)).isEmpty();
        assertThat(await(cache.stats(SHOP)).entries()).isZero();
        assertThat(read(BLOG, "k1").orElseThrow().value()).isEqualTo("\"keep\"");
        assertThat(await(cache.removeTagged(BLOG, CacheTag.of("t")))).isEqualTo(1);
    }

    @Test
    void keepsVersionsIncreasingAcrossAClear() {
        long before = store(SHOP, "k", json("1")).version();
        await(cache.removeAll(SHOP));
        assertThat(store(SHOP, "k", json("1")).version()).isGreaterThan(before);
    }
}
