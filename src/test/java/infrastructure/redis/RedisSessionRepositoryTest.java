package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import contract.SessionRepositoryContract;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.MutableClock;
import support.RedisClients;
import support.RedisInspection;
import support.SharedRedis;

/** The Redis session store against the contract, on a real redis-server, plus its key-space guarantees. */
class RedisSessionRepositoryTest extends SessionRepositoryContract {

    private static final ReactiveRedisDataSource REDIS = RedisClients.dataSource(SharedRedis.server().url());

    private String prefix;

    @Override
    protected SessionRepository newRepository(MutableClock clock) {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        return new RedisSessionRepository(REDIS, prefix, clock);
    }

    // --- the key layout: <prefix>:{u:<userTag>}:s:<id>, :e (by idle expiry), :o (by creation)

    private String sessionKey(SessionPolicy.Opened opened) {
        SessionId id = idOf(opened);
        return prefix + ":{u:" + id.userTag() + "}:s:" + id.value();
    }

    private String livenessIndex(UserId user) {
        return prefix + ":{u:" + user.tag() + "}:e";
    }

    private String creationIndex(UserId user) {
        return prefix + ":{u:" + user.tag() + "}:o";
    }

    private List<String> keysUnderPrefix() {
        return RedisInspection.keys(REDIS, prefix + ":*");
    }

    private long redisLong(Command command, String... args) {
        return RedisInspection.integer(REDIS, command, args);
    }

    private List<String> hashValues(String key) {
        List<String> values = new ArrayList<>();
        await(REDIS.execute(Command.HVALS, key)).forEach(v -> values.add(v.toString()));
        return values;
    }

    // --- tests

    @Test
    void deletesTheSessionHashAndIndexEntriesOnRevoke() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        SessionPolicy.Opened other = createdSessionOf(ADA);
        assertThat(redisLong(Command.EXISTS, sessionKey(opened))).isEqualTo(1);

        await(sessions.revoke(idOf(opened)));

        assertThat(redisLong(Command.EXISTS, sessionKey(opened))).isZero();
        assertThat(await(REDIS.execute(Command.ZSCORE, livenessIndex(ADA), idOf(opened).value()))).isNull();
        assertThat(await(REDIS.execute(Command.ZSCORE, creationIndex(ADA), idOf(opened).value()))).isNull();
        assertThat(redisLong(Command.EXISTS, sessionKey(other))).isEqualTo(1);
    }

    @Test
    void leavesNoKeyOfTheUserAfterRevokingAll() {
        List<SessionPolicy.Opened> adas = IntStream.range(0, 5).mapToObj(i -> createdSessionOf(ADA)).toList();
        SessionPolicy.Opened bobs = createdSessionOf(BOB);

        await(sessions.revokeAll(ADA));

        assertThat(adas).allSatisfy(s -> assertThat(redisLong(Command.EXISTS, sessionKey(s))).as(sessionKey(s)).isZero());
        assertThat(redisLong(Command.EXISTS, livenessIndex(ADA))).isZero();
        assertThat(redisLong(Command.EXISTS, creationIndex(ADA))).isZero();
        assertThat(keysUnderPrefix()).allSatisfy(k -> assertThat(k).contains("{u:" + BOB.tag() + "}"));
        assertThat(redisLong(Command.EXISTS, sessionKey(bobs))).isEqualTo(1);
    }

    @Test
    void givesEveryKeyItWritesATtl() {
        SessionPolicy.Opened adas = createdSessionOf(ADA);
        createdSessionOf(ADA, Duration.ofSeconds(5), Duration.ofMinutes(1));
        SessionPolicy.Opened bobs = createdSessionOf(BOB);
        clock.advance(Duration.ofSeconds(2));
        open(adas);
        await(sessions.changeAccess(idOf(bobs), BLOG, true));
        await(sessions.replaceVerifier(idOf(adas), SessionToken.issue(idOf(adas)).verifierDigest()));
        await(sessions.findByUser(ADA));

        List<String> keys = keysUnderPrefix();

        assertThat(keys).hasSize(7); // 3 session hashes, 2 indexes for each of 2 users
        assertThat(keys).allSatisfy(k -> assertThat(redisLong(Command.PTTL, k)).as("PTTL of " + k).isPositive());
    }

    @Test
    void indexesASessionByItsIdleExpiryAndItsCreation() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));
        long createdAt = opened.session().createdAt().toEpochMilli();
        clock.advance(Duration.ofSeconds(10));

        open(opened);

        String id = idOf(opened).value();
        assertThat(await(REDIS.execute(Command.ZSCORE, livenessIndex(ADA), id)).toLong()).isEqualTo(createdAt + 70_000);
        assertThat(await(REDIS.execute(Command.ZSCORE, creationIndex(ADA), id)).toLong()).isEqualTo(createdAt);
    }

    @Test
    void keepsEveryKeyOfAUserInOneHashSlot() {
        createdSessionOf(ADA);
        createdSessionOf(ADA);

        // Redis Cluster hashes only the text between the first '{' and the next '}'.
        assertThat(keysUnderPrefix()).hasSize(4).allSatisfy(k -> assertThat(k).contains(":{u:" + ADA.tag() + "}:"));
    }

    @Test
    void storesOnlyTheDigestOfTheVerifierNeverTheToken() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        String token = opened.token().reveal();
        String verifier = token.substring(token.indexOf('.') + 1);

        List<String> stored = hashValues(sessionKey(opened));

        assertThat(stored).contains(opened.token().verifierDigest());
        assertThat(stored).noneSatisfy(v -> assertThat(v).contains(verifier));
        assertThat(stored).noneSatisfy(v -> assertThat(v).contains(token));

        SessionToken rotated = SessionToken.issue(idOf(opened));
        String rotatedVerifier = rotated.reveal().substring(rotated.reveal().indexOf('.') + 1);
        await(sessions.replaceVerifier(idOf(opened), rotated.verifierDigest()));
        open(rotated);

        List<String> after = hashValues(sessionKey(opened));
        assertThat(after).contains(rotated.verifierDigest()).doesNotContain(opened.token().verifierDigest());
        assertThat(after).noneSatisfy(v -> assertThat(v).contains(rotatedVerifier));
    }

    @Test
    void reclaimsExpiredSessionsFromBothIndexes() {
        // Redis expires keys by its own clock, on which the keys' PEXPIREAT (from the test's clock) lie
        // in real time: an idle timeout of 1 s would let Redis drop the indexes while they are still
        // being filled, and the test would prove nothing. A minute outlasts the test; only the
        // adapter's reclaiming can empty the indexes.
        List<SessionPolicy.Opened> all = IntStream.range(0, 10_000)
                .mapToObj(i -> sessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1))).toList();
        for (int from = 0; from < all.size(); from += 500) {
            await(Uni.join().all(all.subList(from, from + 500).stream()
                            .map(s -> sessions.create(s.session(), s.token().verifierDigest(), UNLIMITED))
                            .toList())
                    .andFailFast());
        }
        assertThat(redisLong(Command.ZCARD, creationIndex(ADA))).isEqualTo(10_000);
        assertThat(redisLong(Command.ZCARD, livenessIndex(ADA))).isEqualTo(10_000);
        clock.advance(Duration.ofSeconds(61));

        SessionPolicy.Opened newest = createdSessionOf(ADA);
        var listed = idsOfSessionsOf(ADA);

        assertThat(listed).containsExactly(idOf(newest));
        assertThat(redisLong(Command.ZCARD, livenessIndex(ADA))).isLessThanOrEqualTo(1);
        assertThat(redisLong(Command.ZCARD, creationIndex(ADA))).isLessThanOrEqualTo(1);
    }
}
