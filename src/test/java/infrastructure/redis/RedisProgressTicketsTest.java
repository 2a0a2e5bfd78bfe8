package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ProgressTicketsContract;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.SharedRedis;

/** The Redis ticket store against the contract, on a real redis-server, plus what it keeps. */
class RedisProgressTicketsTest extends ProgressTicketsContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;

    @Override
    protected ProgressTickets newStore(MutableClock clock) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisProgressTickets(REDIS, prefix);
    }

    /** Redis expires keys in real time: this waits, polling the time itself, until {@code duration} has passed. */
    @Override
    protected void letTimePass(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() - until >= 0);
    }

    @Test
    void keepsOnlyTheDigestInTheProjectsSlotWithTheTicketsTtl() {
        ProgressTicket.Issued issued = ProgressTicket.issue(SHOP, IMPORT, "backend");
        tickets.store(issued.digest(), issued.ticket(), TTL).await().atMost(Duration.ofSeconds(5));

        String key = prefix + ":{p:shop}:tk:" + issued.digest();
        String kept = REDIS.execute(Command.HGETALL, key).await().atMost(Duration.ofSeconds(5)).toString();
        assertThat(kept).doesNotContain(issued.secret()).contains("import", "backend");
        assertThat(RedisInspection.integer(REDIS, Command.PTTL, key)).isBetween(1L, TTL.toMillis());
    }
}
