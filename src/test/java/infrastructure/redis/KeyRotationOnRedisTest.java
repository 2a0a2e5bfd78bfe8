package infrastructure.redis;

import contract.KeyRotationContract;
import contract.ValueStore;

/** Key rotation on Redis. */
class KeyRotationOnRedisTest extends KeyRotationContract {

    @Override
    protected ValueStore openStore() {
        return new RedisValueStore();
    }
}
