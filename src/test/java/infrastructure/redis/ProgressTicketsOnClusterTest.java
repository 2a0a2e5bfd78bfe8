package infrastructure.redis;

import contract.ProgressTicketsContract;
import domain.progress.ProgressTickets;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import support.MutableClock;
import support.SharedCluster;

/** The Redis ticket store against the contract, on a Redis Cluster of three masters. */
class ProgressTicketsOnClusterTest extends ProgressTicketsContract {

    @Override
    protected ProgressTickets newStore(MutableClock clock) {
        return new RedisProgressTickets(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Redis expires keys in real time: this waits, polling the time itself, until {@code duration} has passed. */
    @Override
    protected void letTimePass(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() - until >= 0);
    }
}
