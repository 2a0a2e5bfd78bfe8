package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.RevocationsContract;
import domain.access.ApiKeyName;
import domain.access.Revocation;
import domain.access.Revocations;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;
import support.SharedRedis;

/** Revocation notices on a real redis-server: the contract, plus what only Redis can show (other instances, restarts). */
class RedisRevocationsTest extends RevocationsContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;
    private final List<RedisRevocations> made = new ArrayList<>();

    @AfterEach
    void closeAll() {
        made.forEach(r -> r.close().await().atMost(WAIT));
    }

    private RedisRevocations kept(RedisRevocations revocations) {
        made.add(revocations);
        return revocations;
    }

    @Override
    protected Revocations newRevocations() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return kept(new RedisRevocations(REDIS, prefix));
    }

    /** Another service instance on the same Redis and prefix, with connections of its own. */
    private RedisRevocations instance(String url, String prefix) {
        return kept(new RedisRevocations(RedisClients.dataSource(url), prefix));
    }

    /** A listener on {@code revocations} once its subscription is made (it reports that as notices it may have missed). */
    private static Heard subscribed(Revocations revocations) {
        Heard heard = listening(revocations);
        Awaitility.await().atMost(WAIT).until(() -> !heard.missed.isEmpty());
        return heard;
    }

    @Test
    void handsANoticeToTheListenersOfEveryInstanceOnceAndOnlyUnderItsOwnPrefix() {
        RedisRevocations other = instance(SharedRedis.server().url(), prefix);
        RedisRevocations stranger = instance(SharedRedis.server().url(), prefix + "x");
        Heard here = subscribed(revocations);
        Heard there = subscribed(other);
        Heard elsewhere = subscribed(stranger);
        Revocation notice = new Revocation.KeyRevoked(ApiKeyName.of("revoked-on-one"));

        publish(revocations, notice);

        Awaitility.await().atMost(WAIT).until(() -> !there.notices.isEmpty());
        Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> here.notices.size() == 1 && there.notices.size() == 1);
        assertThat(there.notices).containsExactly(notice);
        assertThat(here.notices).containsExactly(notice);
        assertThat(elsewhere.notices).isEmpty();
    }

    @Test
    void makesItsSubscriptionAgainByItselfAfterRedisRestartsAndSaysNoticesMayHaveBeenMissed() {
        try (RedisServer own = RedisServer.start()) {
            Assumptions.assumeTrue(own.isControllable(), "needs a redis-server this test can restart");
            RedisRevocations listener = instance(own.url(), "r");
            RedisRevocations publisher = instance(own.url(), "r");
            Heard heard = subscribed(listener);
            int missedBefore = heard.missed.size();

            own.stop(true);
            own.restart();

            // Nobody calls the adapter: it notices the loss and subscribes again, and says so.
            Awaitility.await().atMost(WAIT).until(() -> heard.missed.size() > missedBefore);
            Revocation notice = new Revocation.SessionRevoked(SESSION);
            Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
                publish(publisher, notice);
                return heard.notices.contains(notice);
            });
        }
    }

    @Test
    void isNotLiveTheMomentItsSubscriptionIsKilledTellsTheListenersAndIsLiveAgainOnceMadeAgain() throws Exception {
        try (RedisServer own = RedisServer.start()) {
            RedisRevocations listener = instance(own.url(), "k");
            Heard heard = subscribed(listener);
            assertThat(listener.live()).isTrue();
            int missedBefore = heard.missed.size();

            own.command("CLIENT KILL TYPE pubsub");

            Awaitility.await().atMost(WAIT).until(() -> !heard.lost.isEmpty());
            // Made again by itself, with backoff; live only from then on, and the listeners check what they hold.
            Awaitility.await().atMost(WAIT).until(() -> heard.missed.size() > missedBefore);
            assertThat(listener.live()).isTrue();
        }
    }

    @Test
    void isNotLiveOnceClosedAndTellsTheListeners() {
        Heard heard = subscribed(revocations);

        ((RedisRevocations) revocations).close().await().atMost(WAIT);

        assertThat(revocations.live()).isFalse();
        assertThat(heard.lost).hasSize(1);
    }
}
