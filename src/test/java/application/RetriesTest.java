package application;

import support.ValueCodecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CachePolicy;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.project.ProjectId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import infrastructure.memory.InMemoryCacheRepository;
import support.FailingCacheStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A store failure (a pooled connection that died with a restarted Redis, say) is retried once for
 * idempotent reads, never for a write: a retried write could spend a version twice or apply a
 * condition to its own result.
 */
class RetriesTest {

    private static final Principal BACKEND = new Principal("backend", ProjectAccess.all(), Set.of(Scope.CACHE_READ, Scope.CACHE_WRITE));
    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final CacheKey KEY = CacheKey.of("k");

    private final FailingCacheStore store = new FailingCacheStore(new InMemoryCacheRepository(Clock.systemUTC(), 1_000, Duration.ofDays(31), ValueCodecs.standard()));
    private final CacheService cache = new CacheService(store, new CachePolicy(Ttl.ofSeconds(60), Ttl.ofSeconds(3600), 1024, 4),
            new CacheSettings(false, 100, Duration.ofSeconds(1), Duration.ofSeconds(1)), new SimpleMeterRegistry(), Clock.systemUTC());

    @Test
    void retriesAReadOnceAfterAStoreFailure() {
        write();
        store.failNext(1);

        Optional<CacheEntry> read = cache.read(BACKEND, SHOP, KEY).await().atMost(Duration.ofSeconds(5));

        assertThat(read).isPresent();
        assertThat(store.finds.get()).isEqualTo(2);
    }

    @Test
    void givesUpOnAReadAfterOneRetry() {
        store.failNext(2);

        assertThatThrownBy(() -> cache.read(BACKEND, SHOP, KEY).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(store.finds.get()).isEqualTo(2);
    }

    @Test
    void neverRetriesAWrite() {
        store.failNext(1);

        assertThatThrownBy(this::write).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.puts.get()).isEqualTo(1);
    }

    @Test
    void doesNotRetryACallersMistake() {
        Principal stranger = new Principal("other", ProjectAccess.only(Set.of(ProjectId.of("blog"))), Set.of(Scope.CACHE_READ));

        assertThatThrownBy(() -> cache.read(stranger, SHOP, KEY).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(store.finds.get()).isZero();
    }

    private PutOutcome write() {
        return cache.write(BACKEND, SHOP, KEY, "1", OptionalLong.empty(), Set.of(), Precondition.always())
                .await().atMost(Duration.ofSeconds(5));
    }
}
