package infrastructure.redis;

import contract.ValueStore;
import contract.ValuesAtRestContract;

/** The value chain on Redis against the contract, on a Redis Cluster of three masters: what every master holds, read back key by key. */
class ValuesAtRestOnClusterTest extends ValuesAtRestContract {

    @Override
    protected ValueStore openStore() {
        return RedisValueStore.onCluster();
    }
}
