package infrastructure.redis;

import contract.ProjectKeysetsContract;
import domain.encryption.ProjectKeysets;
import java.util.UUID;
import support.SharedCluster;

/** The Redis keyset store against the contract, on a Redis Cluster of three masters. */
class ProjectKeysetsOnClusterTest extends ProjectKeysetsContract {

    @Override
    protected ProjectKeysets newKeysets() {
        return new RedisProjectKeysets(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8));
    }
}
