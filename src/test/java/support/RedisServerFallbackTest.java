package support;

import static org.assertj.core.api.Assertions.assertThat;

import domain.cache.CacheKey;
import domain.cache.CacheTag;
import domain.cache.CacheWrite;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.redis.RedisCacheRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On a machine without redis-server on the PATH, the harness runs the binary that the
 * embedded-redis test package ships (Redis 6.2), and the service's scripts work on it.
 */
class RedisServerFallbackTest {

    @Test
    void runsTheShippedRedisWhenNoneIsOnThePathAndTheScriptsWorkOnIt() throws Exception {
        try (RedisServer shipped = RedisServer.startFrom("")) {
            assertThat(shipped.command("INFO server")).startsWith("$");
            var cache = new RedisCacheRepository(RedisClients.dataSource(shipped.url()), "fb", Clock.systemUTC(),
                    Duration.ofDays(31), ValueCodecs.standard());
            ProjectId project = ProjectId.of("p");
            CacheWrite write = new CacheWrite("{\"a\":1}", Ttl.ofSeconds(60), Set.of(CacheTag.of("t")), Precondition.always());

            PutOutcome outcome = cache.put(project, CacheKey.of("k"), write).await().atMost(Duration.ofSeconds(10));

            assertThat(outcome).isInstanceOf(PutOutcome.Stored.class);
            assertThat(cache.find(project, CacheKey.of("k")).await().atMost(Duration.ofSeconds(10))).isPresent();
            assertThat(cache.keys(project, KeyPattern.ALL, Optional.empty(), PageSize.DEFAULT)
                    .await().atMost(Duration.ofSeconds(10)).keys()).containsExactly(CacheKey.of("k"));
            assertThat(cache.removeTagged(project, CacheTag.of("t")).await().atMost(Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(cache.remove(project, List.of(CacheKey.of("k"))).await().atMost(Duration.ofSeconds(10))).isZero();
        }
    }
}
