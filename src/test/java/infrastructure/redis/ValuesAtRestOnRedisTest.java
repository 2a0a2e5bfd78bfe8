package infrastructure.redis;

import contract.ValueStore;
import contract.ValuesAtRestContract;

/** The value chain on Redis: what Redis holds, read back key by key. */
class ValuesAtRestOnRedisTest extends ValuesAtRestContract {

    @Override
    protected ValueStore openStore() {
        return new RedisValueStore();
    }
}
