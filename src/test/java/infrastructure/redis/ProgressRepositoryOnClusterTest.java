package infrastructure.redis;

import contract.ProgressRepositoryContract;
import domain.progress.ProgressRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import support.MutableClock;
import support.SharedCluster;

/** The Redis progress store against the contract, on a Redis Cluster of three masters. */
class ProgressRepositoryOnClusterTest extends ProgressRepositoryContract {

    /** Every repository a test made: each may hold a pooled connection for its subscription. */
    private final List<RedisProgressRepository> made = new ArrayList<>();

    @AfterEach
    void closeRepositories() {
        made.forEach(r -> r.close().await().atMost(Duration.ofSeconds(5)));
    }

    @Override
    protected ProgressRepository newRepository(MutableClock clock, ProgressRepository.Retention retention) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        // Every master, as the service gives them on a cluster: the listing of projects scans each.
        RedisProgressRepository repository = new RedisProgressRepository(SharedCluster.dataSource(), prefix, clock, retention,
                SharedCluster.nodes());
        made.add(repository);
        return repository;
    }

    /** Redis expires keys in real time: the caller's bounded wait lets the time pass. */
    @Override
    protected void letTimePass(Duration duration) {
    }
}
