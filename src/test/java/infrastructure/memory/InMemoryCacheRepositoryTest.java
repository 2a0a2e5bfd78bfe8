package infrastructure.memory;

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
        return new InMemoryCacheRepository(clock, 10_000, RETENTION);
    }

    @Test
    void evictsTheEntryClosestToExpiryFirstWhenFull() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 3, RETENTION);
        cache = small;
        store(SHOP, "long", living("1", 500));
        store(SHOP, "soon", living("1", 10));
        store(BLOG, "mid", living("1", 100));

        store(BLOG, "new", living("1", 300));

        assertThat(small.size()).isEqualTo(3);
        assertThat(read(SHOP, "soon")).isEmpty();
        assertThat(read(SHOP, "long")).isPresent();
        assertThat(read(BLOG, "mid")).isPresent();
        assertThat(read(BLOG, "new")).isPresent();
    }

    @Test
    void neverHoldsMoreThanItsBound() {
        InMemoryCacheRepository small = new InMemoryCacheRepository(clock, 100, RETENTION);
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
