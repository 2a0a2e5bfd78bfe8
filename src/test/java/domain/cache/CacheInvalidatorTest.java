package domain.cache;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import infrastructure.memory.InMemoryCacheRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CacheInvalidatorTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ProjectId BLOG = ProjectId.of("blog");
    private static final CacheTag PRICES = CacheTag.of("prices");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private InMemoryCacheRepository repository;
    private CacheInvalidator invalidator;

    @BeforeEach
    void setUp() {
        repository = new InMemoryCacheRepository(clock, 100_000, Duration.ofDays(1), ValueCodecs.standard());
        invalidator = new CacheInvalidator(repository);
    }

    @Test
    void countsAnEntrySelectedByKeysTagsAndPatternOnce() {
        put(SHOP, "user:1", PRICES);
        put(SHOP, "user:2", PRICES);
        put(SHOP, "user:3");
        put(SHOP, "order:1", PRICES);
        put(SHOP, "order:2");
        put(SHOP, "order:3");
        Invalidation invalidation = new Invalidation(
                Set.of(CacheKey.of("user:1"), CacheKey.of("order:2")),
                Set.of(PRICES),
                Optional.of(KeyPattern.of("user:*")));

        long removed = invalidate(SHOP, invalidation);

        assertThat(removed).isEqualTo(5);
        assertThat(liveKeys(SHOP)).containsExactly("order:3");
    }

    @Test
    void removesEveryKeyMatchingAPatternAcrossSeveralPages() {
        for (int i = 0; i < 1200; i++) {
            put(SHOP, "user:" + i);
        }
        for (int i = 0; i < 300; i++) {
            put(SHOP, "order:" + i);
        }

        long removed = invalidate(SHOP, patternOnly("user:*"));

        assertThat(removed).isEqualTo(1200);
        List<String> left = liveKeys(SHOP);
        assertThat(left).hasSize(300).allMatch(k -> k.startsWith("order:"));
        assertThat(stats(SHOP).entries()).isEqualTo(300);
    }

    @Test
    void removesSparseMatchesSpreadOverManyPages() {
        for (int i = 0; i < 1500; i++) {
            put(SHOP, "user:" + i + (i % 7 == 0 ? ":profile" : ":cart"));
        }
        long profiles = (1500 + 6) / 7;

        long removed = invalidate(SHOP, patternOnly("user:*:profile"));

        assertThat(removed).isEqualTo(profiles);
        List<String> left = liveKeys(SHOP);
        assertThat(left).hasSize(1500 - (int) profiles).noneMatch(k -> k.endsWith(":profile"));
    }

    @Test
    void removeMatchingAnswersTheNumberOfRemovedEntriesForAPatternWithoutLiteralPrefix() {
        for (int i = 0; i < 600; i++) {
            put(SHOP, "k" + i + (i % 2 == 0 ? "-even" : "-odd"));
        }

        long removed = invalidator.removeMatching(SHOP, KeyPattern.of("*-even")).await().indefinitely();

        assertThat(removed).isEqualTo(300);
        assertThat(liveKeys(SHOP)).hasSize(300).allMatch(k -> k.endsWith("-odd"));
    }

    @Test
    void aLiteralPatternRemovesOnlyThatKey() {
        put(SHOP, "user:1");
        put(SHOP, "user:10");

        long removed = invalidate(SHOP, patternOnly("user:1"));

        assertThat(removed).isEqualTo(1);
        assertThat(liveKeys(SHOP)).containsExactly("user:10");
    }

    @Test
    void aPatternThatMatchesNothingRemovesNothing() {
        put(SHOP, "user:1");

        assertThat(invalidate(SHOP, patternOnly("order:*"))).isZero();
        assertThat(liveKeys(SHOP)).containsExactly("user:1");
    }

    @Test
    void removesEveryEntryOfEachTag() {
        CacheTag stock = CacheTag.of("stock");
        put(SHOP, "a", PRICES);
        put(SHOP, "b", stock);
        put(SHOP, "c", PRICES, stock);
        put(SHOP, "d");

        long removed = invalidate(SHOP, new Invalidation(Set.of(), Set.of(PRICES, stock), Optional.empty()));

        assertThat(removed).isEqualTo(3);
        assertThat(liveKeys(SHOP)).containsExactly("d");
    }

    @Test
    void doesNotCountNamedKeysThatDoNotExist() {
        put(SHOP, "a");

        long removed = invalidate(SHOP,
                new Invalidation(Set.of(CacheKey.of("a"), CacheKey.of("missing")), Set.of(), Optional.empty()));

        assertThat(removed).isEqualTo(1);
        assertThat(liveKeys(SHOP)).isEmpty();
    }

    @Test
    void doesNotCountExpiredEntries() {
        put(SHOP, "short", Ttl.ofSeconds(1));
        put(SHOP, "long", Ttl.ofSeconds(3600));
        clock.advance(Duration.ofSeconds(2));

        long removed = invalidate(SHOP, patternOnly("*"));

        assertThat(removed).isEqualTo(1);
        assertThat(stats(SHOP).entries()).isZero();
    }

    @Test
    void leavesOtherProjectsUntouched() {
        put(SHOP, "user:1", PRICES);
        put(BLOG, "user:1", PRICES);
        put(BLOG, "user:2");

        long removed = invalidate(SHOP, new Invalidation(
                Set.of(CacheKey.of("user:2")), Set.of(PRICES), Optional.of(KeyPattern.ALL)));

        assertThat(removed).isEqualTo(1);
        assertThat(liveKeys(BLOG)).containsExactly("user:1", "user:2");
    }

    private void put(ProjectId project, String key, CacheTag... tags) {
        put(project, key, Ttl.ofSeconds(3600), tags);
    }

    private void put(ProjectId project, String key, Ttl ttl, CacheTag... tags) {
        CacheWrite write = new CacheWrite("{}", ttl, Set.of(tags), Precondition.always());
        PutOutcome outcome = repository.put(project, CacheKey.of(key), write).await().indefinitely();
        assertThat(outcome).isInstanceOf(PutOutcome.Stored.class);
    }

    private long invalidate(ProjectId project, Invalidation invalidation) {
        return invalidator.invalidate(project, invalidation).await().indefinitely();
    }

    private static Invalidation patternOnly(String pattern) {
        return new Invalidation(Set.of(), Set.of(), Optional.of(KeyPattern.of(pattern)));
    }

    private CacheStats stats(ProjectId project) {
        return repository.stats(project).await().indefinitely();
    }

    /** Every live key of the project, walked page by page through the port. */
    private List<String> liveKeys(ProjectId project) {
        List<String> keys = new ArrayList<>();
        Optional<CacheKey> after = Optional.empty();
        do {
            KeyPage page = repository.keys(project, KeyPattern.ALL, after, PageSize.of(PageSize.MAX))
                    .await().indefinitely();
            page.keys().forEach(k -> keys.add(k.value()));
            after = page.after();
        } while (after.isPresent());
        return keys;
    }

    /** A clock the test moves by hand, so expiry is exercised without waiting. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
