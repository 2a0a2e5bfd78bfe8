package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ProjectKeysetsContract;
import domain.encryption.ProjectKeysets;
import io.vertx.mutiny.redis.client.Command;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.SharedRedis;

/** The Redis keyset store against the contract, plus its layout: one hash per project, in its slot, without expiry. */
class RedisProjectKeysetsTest extends ProjectKeysetsContract {

    private String prefix;

    @Override
    protected ProjectKeysets newKeysets() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisProjectKeysets(RedisClients.dataSource(SharedRedis.server().url()), prefix);
    }

    @Test
    void keepsAKeysetWithoutExpiryInItsProjectsHashSlot() {
        await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "shop", 1)));

        long ttl = await(RedisClients.dataSource(SharedRedis.server().url()).execute(Command.PTTL, prefix + ":{p:shop}:ks")).toLong();

        assertThat(ttl).as("-1: no expiry; -2 would mean another key").isEqualTo(-1);
    }
}
