package infrastructure.redis;

import contract.TaskRepositoryContract;
import domain.task.QueueSettings;
import domain.task.TaskRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import support.MutableClock;
import support.SharedCluster;

/** The Redis task store against the contract, on a Redis Cluster of three masters. */
class TaskRepositoryOnClusterTest extends TaskRepositoryContract {

    /** Every repository a test made: each may hold a pooled connection for its subscription. */
    private final List<RedisTaskRepository> made = new ArrayList<>();

    @AfterEach
    void closeRepositories() {
        made.forEach(r -> r.close().await().atMost(Duration.ofSeconds(5)));
    }

    @Override
    protected TaskRepository newRepository(MutableClock clock, TaskRepository.Retention retention, QueueSettings defaults,
            DoubleSupplier jitter) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        // Every master, as the service gives them on a cluster: the listing of a project's queues scans each.
        RedisTaskRepository repository = new RedisTaskRepository(SharedCluster.dataSource(), prefix, clock, retention, defaults, jitter,
                SharedCluster.nodes());
        made.add(repository);
        return repository;
    }

    /** The scripts judge retention by the clock they are given; Redis's own expiries only tidy up. */
    @Override
    protected void letTimePass(Duration duration) {
    }
}
