package infrastructure.redis;

import contract.KeyRotationContract;
import contract.ValueStore;

/** Key rotation on Redis against the contract, on a Redis Cluster of three masters. */
class KeyRotationOnClusterTest extends KeyRotationContract {

    @Override
    protected ValueStore openStore() {
        return RedisValueStore.onCluster();
    }
}
