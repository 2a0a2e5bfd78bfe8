package infrastructure.redis;

import contract.RevocationsContract;
import domain.access.Revocations;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import support.SharedCluster;

/** Redis revocation notices against the contract, on a Redis Cluster of three masters. */
class RevocationsOnClusterTest extends RevocationsContract {

    /** Every instance a test made: each holds a connection for its subscription. */
    private final List<RedisRevocations> made = new ArrayList<>();

    @AfterEach
    void closeAll() {
        made.forEach(r -> r.close().await().atMost(WAIT));
    }

    @Override
    protected Revocations newRevocations() {
        RedisRevocations revocations = new RedisRevocations(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8));
        made.add(revocations);
        return revocations;
    }
}
