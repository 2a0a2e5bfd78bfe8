package infrastructure.redis;

import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perMinute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import contract.RateLimitPoliciesContract;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.SharedRedis;

/** The Redis policy store against the contract, plus what only it has: several instances on one Redis. */
class RedisRateLimitPoliciesTest extends RateLimitPoliciesContract {

    private String prefix;

    @Override
    protected RateLimitPolicies newPolicies() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return instance();
    }

    /** Another service instance on the same Redis and prefix, with its own connections. */
    private RedisRateLimitPolicies instance() {
        return new RedisRateLimitPolicies(RedisClients.dataSource(SharedRedis.server().url()), prefix, new ObjectMapper(), java.time.Clock.systemUTC());
    }

    @Test
    void anotherInstanceSeesASaveWithinFiveSeconds() {
        RedisRateLimitPolicies other = instance();
        assertThat(await(other.find(LOGIN.name()))).as("loaded, and cached, before the save").isEmpty();

        await(policies.save(LOGIN));

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> await(other.find(LOGIN.name())).isPresent());
        assertThat(await(other.find(LOGIN.name()))).contains(LOGIN);
    }

    @Test
    void anotherInstanceSeesADeleteWithinFiveSeconds() {
        await(policies.save(LOGIN));
        RedisRateLimitPolicies other = instance();
        assertThat(await(other.find(LOGIN.name()))).contains(LOGIN);

        await(policies.delete(LOGIN.name()));

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> await(other.find(LOGIN.name())).isEmpty());
    }

    @Test
    void anotherInstanceSeesAReplacementByTheChangeMessageLongBeforeItsCopyIsStale() {
        await(policies.save(LOGIN));
        RedisRateLimitPolicies other = instance();
        assertThat(await(other.find(LOGIN.name()))).contains(LOGIN);
        RateLimitPolicy stricter = named("login", perMinute(1));

        await(policies.save(stricter));

        // The copy is reloaded after five seconds in any case; within one, only the message explains it.
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> await(other.find(LOGIN.name())).equals(Optional.of(stricter)));
    }

    @Test
    void keepsPoliciesWithoutExpiry() {
        await(policies.save(LOGIN));

        long ttl = await(RedisClients.dataSource(SharedRedis.server().url()).execute(Command.PTTL, prefix + ":{rlp}:policies")).toLong();

        assertThat(ttl).as("-1: no expiry").isEqualTo(-1);
    }
}
