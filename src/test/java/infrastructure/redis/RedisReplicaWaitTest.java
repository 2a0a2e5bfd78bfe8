package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreNotReplicatedException;
import domain.StoreUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;

/**
 * Writes acknowledged only once a replica holds them ({@code cache-domain.redis.wait-for-replicas}), on
 * a master and a replica of the test's own: what asynchronous replication loses at a failover without
 * it, and refuses to acknowledge with it.
 */
class RedisReplicaWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final LuaScriptProbe SCRIPT = new LuaScriptProbe();

    private RedisServer master;
    private RedisServer replica;
    private ReactiveRedisDataSource plain;
    private ReactiveRedisDataSource waiting;

    /** A script that writes, run as the adapters run theirs (EVALSHA, then EVAL). */
    private static final class LuaScriptProbe {
        Object set(ReactiveRedisDataSource redis, String key, String value) {
            return redis.execute(Command.EVAL, "return redis.call('SET', KEYS[1], ARGV[1])", "1", key, value).await().atMost(WAIT);
        }
    }

    @BeforeEach
    void masterAndReplica() {
        // A replica's first sync otherwise waits five seconds for more replicas to come (repl-diskless-sync-delay).
        master = RedisServer.startOwn("--repl-diskless-sync-delay", "0");
        replica = RedisServer.startOwn("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        ReactiveRedisDataSource replicaClient = RedisClients.dataSource(replica.url());
        Awaitility.await("replica in sync").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> replicaClient.execute(Command.INFO, "replication").await().atMost(WAIT).toString()
                        .contains("master_link_status:up"));
        plain = RedisClients.dataSource(master.url());
        Awaitility.await("master sees its replica online").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> plain.execute(Command.INFO, "replication").await().atMost(WAIT).toString().contains("state=online"));
        Redis client = Redis.createClient(RedisClients.vertx(), new RedisOptions().setConnectionString(master.url()));
        Redis wait = Redis.newInstance(new RedisReplicaWait(client.getDelegate(), 1, Duration.ofMillis(100)));
        waiting = new ReactiveRedisDataSourceImpl(RedisClients.vertx(), wait, RedisAPI.api(wait));
        // Just after its first sync, a replica may not acknowledge within 100 ms yet.
        Awaitility.await("the replica acknowledges writes").atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> SCRIPT.set(waiting, "warm", "1") != null);
    }

    @AfterEach
    void stop() {
        replica.close();
        master.close();
    }

    private String onReplica(String key) {
        var value = RedisClients.dataSource(replica.url()).execute(Command.GET, key).await().atMost(WAIT);
        return value == null ? null : value.toString();
    }

    @Test
    void acknowledgesAWriteOnceTheReplicaHoldsIt() {
        SCRIPT.set(waiting, "a", "1");
        waiting.execute(Command.HSET, "h", "f", "v").await().atMost(WAIT);

        // No waiting for it to arrive: the acknowledgement itself says the replica has it.
        assertThat(onReplica("a")).isEqualTo("1");
        assertThat(RedisClients.dataSource(replica.url()).execute(Command.HGET, "h", "f").await().atMost(WAIT).toString())
                .isEqualTo("v");
    }

    @Test
    void sendsAScriptTheServerForgotAgainAsThoughItWaitedForNothing() {
        LuaScript script = LuaScript.load("test_set");
        script.run(waiting, List.of("s"), List.of("1")).await().atMost(WAIT);
        // A restart, a failover to a replica or SCRIPT FLUSH empties the server's scripts: EVALSHA answers NOSCRIPT.
        plain.execute(Command.SCRIPT, "FLUSH").await().atMost(WAIT);

        script.run(waiting, List.of("s"), List.of("2")).await().atMost(WAIT);

        assertThat(onReplica("s")).isEqualTo("2");
    }

    @Test
    void refusesToAcknowledgeAWriteNoReplicaConfirmedAndReadsStillAnswer() {
        SCRIPT.set(waiting, "a", "before");
        replica.pause();
        try {
            long began = System.nanoTime();
            assertThatThrownBy(() -> SCRIPT.set(waiting, "a", "during"))
                    .isInstanceOf(StoreNotReplicatedException.class)
                    .hasMessageContaining("0 of 1 replicas within 100 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
            // A read does not wait for replicas.
            assertThat(waiting.execute(Command.GET, "a").await().atMost(Duration.ofSeconds(1)).toString()).isEqualTo("during");
        } finally {
            replica.resume();
        }
    }

    @Test
    void withoutItAnAcknowledgedWriteIsLostWhenTheMasterFailsBeforeReplicatingIt() {
        SCRIPT.set(plain, "a", "before");
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> "before".equals(onReplica("a")));
        // The replication link is cut, as a partition cuts it (the replica follows a master that is not there),
        // while the master goes on taking writes.
        ReactiveRedisDataSource replicaClient = RedisClients.dataSource(replica.url());
        replicaClient.execute(Command.REPLICAOF, "127.0.0.1", "1").await().atMost(WAIT);
        SCRIPT.set(plain, "a", "acknowledged");
        assertThatThrownBy(() -> SCRIPT.set(waiting, "b", "refused")).isInstanceOf(StoreUnavailableException.class);

        // The master dies before the replica heard of either write; the replica takes over.
        master.kill();
        replicaClient.execute(Command.REPLICAOF, "NO", "ONE").await().atMost(WAIT);

        assertThat(onReplica("a")).as("the write acknowledged without waiting").isEqualTo("before");
        assertThat(List.of("b")).allSatisfy(key -> assertThat(onReplica(key)).as("the write never acknowledged").isNull());
    }
}
