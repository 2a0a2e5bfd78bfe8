package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ClockedProgressRepositoryContract;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The embedded progress store against the contract, plus what only it has: a sweeper and the test clock's expiry. */
class InMemoryProgressRepositoryTest extends ClockedProgressRepositoryContract {

    private static final Duration TTL = RETENTION.ttl();

    @Override
    protected ProgressRepository newRepository(MutableClock clock, ProgressRepository.Retention retention) {
        return new InMemoryProgressRepository(clock, retention);
    }

    @Test
    void sweepsExpiredOperationsWithoutAnyRead() {
        InMemoryProgressRepository repository = (InMemoryProgressRepository) progress;
        for (int i = 0; i < 50; i++) {
            started(SHOP, ProgressId.of("old-" + i), 10);
        }
        clock.advance(TTL.minusSeconds(10));
        started(SHOP, IMPORT, 10);
        clock.advance(Duration.ofSeconds(10));

        repository.sweepExpired();

        assertThat(repository.size()).isEqualTo(1);
        assertThat(find(SHOP, IMPORT)).isPresent();
    }

    @Test
    void keepsEveryOperationThatHasNotExpiredWhenSweeping() {
        InMemoryProgressRepository repository = (InMemoryProgressRepository) progress;
        started(SHOP, IMPORT, 10);
        started(BLOG, EXPORT, 10);

        repository.sweepExpired();

        assertThat(repository.size()).isEqualTo(2);
    }
}
