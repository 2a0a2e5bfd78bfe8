package infrastructure.redis;

import contract.SessionRepositoryContract;
import domain.session.SessionRepository;
import java.util.UUID;
import support.MutableClock;
import support.SharedCluster;

/** The Redis session store against the contract, on a Redis Cluster of three masters. */
class SessionRepositoryOnClusterTest extends SessionRepositoryContract {

    @Override
    protected SessionRepository newRepository(MutableClock clock) {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        // Every master, as the service gives them on a cluster: the walk over every session scans each.
        return new RedisSessionRepository(SharedCluster.dataSource(), prefix, clock, SharedCluster.nodes());
    }
}
