package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import contract.TaskRepositoryContract;
import domain.task.QueueSettings;
import domain.task.TaskRepository;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The embedded task store against the contract, plus what only it shows: memory given back after retention. */
class InMemoryTaskRepositoryTest extends TaskRepositoryContract {

    @Override
    protected TaskRepository newRepository(MutableClock clock, TaskRepository.Retention retention, QueueSettings defaults,
            DoubleSupplier jitter) {
        return new InMemoryTaskRepository(clock, retention, defaults, jitter);
    }

    @Override
    protected void letTimePass(Duration duration) {
        // Only the test clock counts here, and the caller moved it.
    }

    @Test
    void holdsNoFinishedTaskPastItsRetentionOnceTheQueueIsTouched() {
        InMemoryTaskRepository repository = (InMemoryTaskRepository) tasks;
        for (int i = 0; i < 20; i++) {
            enqueued(email("u" + i));
        }
        for (var running : claimed(SHOP, EMAILS, 20)) {
            complete(running);
        }
        assertThat(repository.size()).isEqualTo(20);

        clock.advance(RETENTION.statusTtl());
        counts();

        assertThat(repository.size()).isZero();
    }
}
