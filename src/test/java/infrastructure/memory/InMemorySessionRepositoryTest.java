package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import contract.SessionRepositoryContract;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The in-process session store against the contract, plus what only it has: a bounded per-user index. */
class InMemorySessionRepositoryTest extends SessionRepositoryContract {

    @Override
    protected SessionRepository newRepository(MutableClock clock) {
        return new InMemorySessionRepository(clock);
    }

    @Test
    void reclaimsExpiredSessionsFromTheUsersIndex() {
        InMemorySessionRepository repository = (InMemorySessionRepository) sessions;
        for (int i = 0; i < 10_000; i++) {
            createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        }
        assertThat(repository.indexedSessions(ADA)).isEqualTo(10_000);
        clock.advance(Duration.ofSeconds(2));

        SessionPolicy.Opened newest = createdSessionOf(ADA);
        var listed = idsOfSessionsOf(ADA);

        assertThat(repository.indexedSessions(ADA)).isLessThanOrEqualTo(1);
        assertThat(listed).containsExactly(idOf(newest));
    }

    @Test
    void indexesNothingForAUserWithoutSessions() {
        createdSessionOf(BOB);

        assertThat(((InMemorySessionRepository) sessions).indexedSessions(CAROL)).isZero();
    }
}
