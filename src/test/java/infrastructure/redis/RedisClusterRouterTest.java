package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StorePartUnavailableException;
import domain.StoreUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisCluster;
import support.RedisServer;

/**
 * The service's Redis Cluster client on a cluster of three masters of the test's own: each command
 * to its slot's master, redirections followed while a slot moves, and a master that cannot be reached
 * failing its own slots only, as a part of the store.
 */
class RedisClusterRouterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisCluster cluster;
    private ReactiveRedisDataSource routed;

    @BeforeEach
    void cluster() {
        cluster = RedisCluster.start(3);
        routed = RedisClients.dataSource(cluster.options());
    }

    @AfterEach
    void stop() {
        routed.getRedis().close();
        directs.values().forEach(client -> client.getRedis().close());
        cluster.close();
    }

    /** A key whose slot master {@code i} serves. */
    private String keyOn(int i) {
        ReactiveRedisDataSource node = direct(0);
        for (int n = 0; ; n++) {
            String key = "k" + n;
            if (cluster.masterOf(node.execute(Command.CLUSTER, "KEYSLOT", key).await().atMost(WAIT).toInteger()) == i) {
                return key;
            }
        }
    }

    /** A client of each master, made once per test and closed after it. */
    private final java.util.Map<String, ReactiveRedisDataSource> directs = new java.util.HashMap<>();

    private ReactiveRedisDataSource direct(int i) {
        return direct(cluster.masters().get(i));
    }

    private ReactiveRedisDataSource direct(RedisServer node) {
        return directs.computeIfAbsent(node.url(), RedisClients::dataSource);
    }

    private String get(String key) {
        Response value = routed.execute(Command.GET, key).await().atMost(WAIT);
        return value == null ? null : value.toString();
    }

    private String id(RedisServer node) {
        return direct(node).execute(Command.CLUSTER, "MYID").await().atMost(WAIT).toString();
    }

    private static int slot(ReactiveRedisDataSource node, String key) {
        return node.execute(Command.CLUSTER, "KEYSLOT", key).await().atMost(WAIT).toInteger();
    }

    @Test
    void writesEachKeyOnTheMasterOfItsSlot() {
        for (int i = 0; i < 3; i++) {
            String key = keyOn(i);
            routed.execute(Command.SET, key, "on-" + i).await().atMost(WAIT);

            // Read on that master alone, without following any redirection: it holds the key.
            assertThat(direct(i).execute(Command.GET, key).await().atMost(WAIT).toString()).isEqualTo("on-" + i);
            assertThat(get(key)).isEqualTo("on-" + i);
        }
    }

    @Test
    void followsMovedToTheNewMasterOfASlotAtOnce() {
        String key = keyOn(0);
        routed.execute(Command.SET, key, "moving").await().atMost(WAIT);

        moveSlotOf(key, 0, 1);

        // The router's slot map still names master 0: it follows MOVED, no retry needed.
        assertThat(get(key)).isEqualTo("moving");
        routed.execute(Command.SET, key, "moved").await().atMost(WAIT);
        assertThat(direct(1).execute(Command.GET, key).await().atMost(WAIT).toString()).isEqualTo("moved");
    }

    @Test
    void followsMovedForABatchAsForOneCommand() {
        String key = keyOn(0);
        routed.execute(Command.SET, key, "before").await().atMost(WAIT);
        moveSlotOf(key, 0, 1);

        // The client fails a batch with "ERR [0] MOVED ...": the router still reads it as the MOVED it is.
        var replies = routed.getRedis().batch(List.of(Request.cmd(Command.SET).arg(key).arg("batched"),
                Request.cmd(Command.GET).arg(key))).await().atMost(WAIT);

        assertThat(replies.get(1).toString()).isEqualTo("batched");
        assertThat(direct(1).execute(Command.GET, key).await().atMost(WAIT).toString()).isEqualTo("batched");
    }

    /** Moves the key's slot from one master to another, as redis-cli --cluster reshard moves it. */
    private void moveSlotOf(String key, int from, int to) {
        int slot = beginMovingSlotOf(key, from, to);
        for (int i = 0; i < 3; i++) {
            direct(i).execute(Command.CLUSTER, "SETSLOT", Integer.toString(slot), "NODE", id(cluster.masters().get(to)))
                    .await().atMost(WAIT);
        }
    }

    /** Halfway through a move: the key is on the target already, the slot still the source's. Returns the slot. */
    private int beginMovingSlotOf(String key, int from, int to) {
        int slot = slot(direct(from), key);
        RedisServer source = cluster.masters().get(from);
        RedisServer target = cluster.masters().get(to);
        direct(to).execute(Command.CLUSTER, "SETSLOT", Integer.toString(slot), "IMPORTING", id(source)).await().atMost(WAIT);
        direct(from).execute(Command.CLUSTER, "SETSLOT", Integer.toString(slot), "MIGRATING", id(target)).await().atMost(WAIT);
        direct(from).execute(Command.MIGRATE, "127.0.0.1", Integer.toString(target.port()), key, "0", "5000").await().atMost(WAIT);
        return slot;
    }

    @Test
    void readsTheAddressOfARedirectionAsRedisWritesIt() {
        assertThat(RedisClusterRouter.redirectedTo("MOVED 3999 127.0.0.1:6381", "127.0.0.1:7000")).isEqualTo("127.0.0.1:6381");
        assertThat(RedisClusterRouter.redirectedTo("MOVED 3999 ::1:6381", "[::1]:7000")).isEqualTo("[::1]:6381");
        assertThat(RedisClusterRouter.redirectedTo("ASK 3999 fd00::5:6379", "[fd00::4]:6379")).isEqualTo("[fd00::5]:6379");
        assertThat(RedisClusterRouter.redirectedTo("MOVED 3999 :6381", "10.0.0.7:7000")).isEqualTo("10.0.0.7:6381");
        assertThat(RedisClusterRouter.redirectedTo("MOVED 3999 ?:6381", "10.0.0.7:7000")).isEqualTo("10.0.0.7:6381");
    }

    @Test
    void failsTheSlotsOfAMasterThatHangsAtOnceOnceItLetPingsGoUnanswered() {
        String alive = keyOn(0);
        String hung = keyOn(2);
        routed.execute(Command.SET, alive, "here").await().atMost(WAIT);
        routed.execute(Command.SET, hung, "stuck").await().atMost(WAIT);

        cluster.masters().get(2).pause();
        try {
            // Each command for the hung master waits (for its caller's timeout, here 300 ms) until two PINGs went unanswered.
            Awaitility.await("the hung master held silent").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                long began = System.nanoTime();
                try {
                    routed.execute(Command.GET, hung).await().atMost(Duration.ofMillis(300));
                    return false;
                } catch (StorePartUnavailableException failedAtOnce) {
                    return System.nanoTime() - began < Duration.ofMillis(100).toNanos();
                } catch (RuntimeException timedOut) {
                    return false;
                }
            });
            assertThat(get(alive)).isEqualTo("here");
        } finally {
            cluster.masters().get(2).resume();
        }
        Awaitility.await("the master answering again").atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> "stuck".equals(get(hung)));
    }

    @Test
    void followsAskToTheMasterASlotIsBeingMovedTo() {
        String key = keyOn(0);
        routed.execute(Command.SET, key, "asked").await().atMost(WAIT);

        beginMovingSlotOf(key, 0, 1);

        assertThat(get(key)).isEqualTo("asked");
    }

    @Test
    void failsOnlyTheSlotsOfAMasterThatCannotBeReachedAsAPartOfTheStore() {
        String alive = keyOn(0);
        String lost = keyOn(2);
        routed.execute(Command.SET, alive, "here").await().atMost(WAIT);
        routed.execute(Command.SET, lost, "gone").await().atMost(WAIT);

        cluster.masters().get(2).kill();

        assertThatThrownBy(() -> get(lost)).isInstanceOf(StorePartUnavailableException.class)
                .hasMessageContaining(":" + cluster.masters().get(2).port());
        assertThat(get(alive)).isEqualTo("here");
        // Commands without keys go to a master that answers.
        assertThat(routed.execute(Command.PING).await().atMost(WAIT).toString()).isEqualTo("PONG");
    }

    @Test
    void failsAsTheWholeStoreOnceNoMasterHasAnsweredForAWhile() {
        String key = keyOn(1);
        routed.execute(Command.SET, key, "v").await().atMost(WAIT);

        cluster.masters().forEach(RedisServer::kill);

        Awaitility.await("a failure of the whole store").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                get(key);
                return false;
            } catch (CompletionException | StoreUnavailableException failure) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                return cause instanceof StoreUnavailableException && !(cause instanceof StorePartUnavailableException);
            }
        });
    }
}
