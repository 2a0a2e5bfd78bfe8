package infrastructure.memory;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;

import contract.CacheRepositoryContract;
import domain.cache.CacheRepository;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The embedded cache against the contract, plus what only it has: a bound and a sweeper. */
class InMemoryCacheRepositoryTest extends CacheRepositoryContract {

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        return new InMemoryCacheRepository(clock, 10_000, RETENTION, ValueCodecs.standard());
    }

    @Test
    void evictsTheEntryClosestToExpiryOfTheFullestProjectFirstWhenFull() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 4, RETENTION, ValueCodecs.standard());
        cache = small;
        store(SHOP, "long", living("1", 500));
        store(SHOP, "soon", living("1", 10));
        store(SHOP, "mid", living("1", 100));
        store(BLOG, "sooner", living("1", 5));

        store(BLOG, "new", living("1", 300));

        assertThat(small.size()).isEqualTo(4);
        assertThat(read(SHOP, "soon")).isEmpty();
        assertThat(read(SHOP, "long")).isPresent();
        assertThat(read(SHOP, "mid")).isPresent();
        assertThat(read(BLOG, "sooner")).as("blog holds less than shop: shop pays").isPresent();
        assertThat(read(BLOG, "new")).isPresent();
    }

    @Test
    void letsNoTenantPushAnotherOutOfItsFairShare() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 3, RETENTION, ValueCodecs.standard());
        cache = small;
        IntStream.range(0, 3).forEach(i -> store(SHOP, "s" + i, json("1")));

        store(BLOG, "b0", living("1", 1));

        assertThat(read(BLOG, "b0")).as("a write that succeeded is readable at once").isPresent();
        assertThat(await(cache.stats(SHOP)).entries()).isEqualTo(2);

        // shop keeps writing: it is over its share, so it evicts its own entries, never blog's
        IntStream.range(3, 50).forEach(i -> store(SHOP, "s" + i, living("1", 1)));

        assertThat(read(BLOG, "b0")).isPresent();
        assertThat(read(SHOP, "s49")).isPresent();
        assertThat(small.size()).isEqualTo(3);
    }

    @Test
    void evictsItsOwnEntriesFirstWhenTheWriterHoldsAsManyAsAnyOther() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 3, RETENTION, ValueCodecs.standard());
        cache = small;
        store(SHOP, "s0", json("1"));
        store(SHOP, "s1", json("1"));
        store(BLOG, "b0", json("1"));

        store(BLOG, "b1", json("1"));

        assertThat(read(SHOP, "s0")).isPresent();
        assertThat(read(SHOP, "s1")).isPresent();
        assertThat(read(BLOG, "b0")).isEmpty();
        assertThat(read(BLOG, "b1")).isPresent();
    }

    @Test
    void neverEvictsTheEntryJustWrittenEvenWhenItExpiresFirst() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 2, RETENTION, ValueCodecs.standard());
        cache = small;
        store(SHOP, "a", living("1", 500));
        store(SHOP, "b", living("1", 500));

        store(SHOP, "brief", living("1", 1));

        assertThat(read(SHOP, "brief")).isPresent();
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    void reclaimsExpiredEntriesOfAnyProjectBeforeEvictingALiveOne() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 3, RETENTION, ValueCodecs.standard());
        cache = small;
        store(BLOG, "b0", living("1", 1));
        store(SHOP, "s0", living("1", 500));
        store(SHOP, "s1", living("1", 500));
        clock.advance(Duration.ofSeconds(2));

        store(SHOP, "s2", living("1", 500));

        assertThat(allKeys(SHOP, domain.cache.KeyPattern.ALL, 10)).containsExactly("s0", "s1", "s2");
        assertThat(small.size()).isEqualTo(3);
    }

    @Test
    void neverHoldsMoreThanItsBound() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 100, RETENTION, ValueCodecs.standard());
        cache = small;
        IntStream.range(0, 1_000).forEach(i -> store(SHOP, "k" + i, json("1")));

        assertThat(small.size()).isEqualTo(100);
        assertThat(allKeys(SHOP, domain.cache.KeyPattern.ALL, 1000)).hasSize(100);
    }

    @Test
    void sweepsExpiredEntriesWithoutAnyRead() {
        InMemoryCacheRepository repository = (InMemoryCacheRepository) cache;
        IntStream.range(0, 50).forEach(i -> store(SHOP, "k" + i, living("1", 5)));
        store(SHOP, "stays", living("1", 500));

        clock.advance(Duration.ofSeconds(6));
        repository.sweepExpired();

        assertThat(repository.size()).isEqualTo(1);
    }
}
