package resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.Http;
import support.OwnRedisProfile;
import support.OwnRedisResource;
import support.RedisServer;

/**
 * A key lookup that Redis leaves unanswered ends by the store budget's verdict, which its timers give,
 * not an answer: with no context propagated, the request must still go on in its own request scope
 * (RESTEasy's authentication filter sets the caller there) and serve a key the store confirmed
 * recently, as the failure policy of API keys says, rather than a 500 or a 503.
 */
@QuarkusTest
@TestProfile(KeyLookupStallTest.EveryRequestLooksUp.class)
class KeyLookupStallTest {

    /** No key held in process, so every request looks its key up; RESTEasy serves every request. */
    public static class EveryRequestLooksUp extends OwnRedisProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("cache-domain.auth.key-cache-max-age", "0s");
            config.put("cache-domain.http.direct-routes", "false");
            return config;
        }
    }

    @OwnRedisResource.Handle
    RedisServer redis;

    @Test
    void servesAKeyTheStoreConfirmedRecentlyWhileRedisHangs() {
        Assumptions.assumeTrue(redis.isControllable(), "REDIS_URL points at a server this test may not freeze");
        String project = freshProject();
        String key = cacheKeyFor(project);
        String entry = "/v1/projects/" + project + "/cache/absent";
        assertThat(Http.get(entry, key).status()).as("the store confirms the key").isEqualTo(404);

        redis.pause();
        try {
            Http.Answer answer = Http.get(entry, key);
            // The key from the outage memory, the read a miss by the cache's failure policy: never a 500.
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
        } finally {
            redis.resume();
        }
    }
}
