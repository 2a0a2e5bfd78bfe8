package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;

/**
 * Many commands in flight on a few shared connections, on a Redis of the test's own: each gets its own
 * answer, whichever thread sent it; they open no more connections than are shared; what would block or
 * change a connection goes to the pool; and connections killed by Redis are made again.
 */
class RedisSharedConnectionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern RECEIVED = Pattern.compile("total_connections_received:(\\d+)");

    private RedisServer server;
    private Redis pool;
    private RedisSharedConnections shared;

    @BeforeEach
    void start() {
        server = RedisServer.startOwn();
        pool = Redis.createClient(vertx(), new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(32)
                .setMaxPoolWaiting(10_000));
        shared = new RedisSharedConnections(pool, 2);
    }

    @AfterEach
    void stop() {
        shared.close();
        pool.close();
        server.close();
    }

    private static Vertx vertx() {
        return RedisClients.vertx().getDelegate();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private long connectionsReceived() throws Exception {
        Matcher found = RECEIVED.matcher(await(pool.send(Request.cmd(Command.INFO).arg("stats"))).toString());
        assertThat(found.find()).isTrue();
        return Long.parseLong(found.group(1));
    }

    /** Sends until both shared connections are made, so that what follows runs on them. */
    private void warm() throws Exception {
        Awaitility.await("both shared connections made").atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            await(shared.send(Request.cmd(Command.PING)));
            return shared.open() == 2;
        });
    }

    @Test
    void givesEachOfThousandsOfConcurrentCommandsItsOwnAnswerOverTwoConnections() throws Exception {
        int keys = 500;
        for (int i = 0; i < keys; i++) {
            await(shared.send(Request.cmd(Command.SET).arg("k:" + i).arg("value of " + i + " é")));
        }
        warm();
        long before = connectionsReceived();

        // From four threads at once, off the event loops, and from an event loop: reads, scripts and batches interleaved.
        List<List<Future<String>>> sent = new ArrayList<>();
        List<List<String>> meant = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            List<Future<String>> mine = new ArrayList<>();
            List<String> mineMeant = new ArrayList<>();
            sent.add(mine);
            meant.add(mineMeant);
            threads.add(new Thread(() -> {
                for (int n = 0; n < 1_000; n++) {
                    int i = (n * 7 + thread) % keys;
                    switch (n % 3) {
                        case 0 -> mine.add(shared.send(Request.cmd(Command.GET).arg("k:" + i)).map(Response::toString));
                        case 1 -> mine.add(shared.send(Request.cmd(Command.EVAL).arg("return redis.call('GET', KEYS[1]) .. ARGV[1]")
                                .arg(1).arg("k:" + i).arg("!")).map(r -> r.toString().substring(0, r.toString().length() - 1)));
                        default -> mine.add(shared.batch(List.of(Request.cmd(Command.PING), Request.cmd(Command.GET).arg("k:" + i)))
                                .map(replies -> replies.get(1).toString()));
                    }
                    mineMeant.add("value of " + i + " é");
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(WAIT.toMillis());
        }
        List<Future<String>> answers = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        sent.forEach(answers::addAll);
        meant.forEach(expected::addAll);
        List<Future<String>> fromLoop = Collections.synchronizedList(new ArrayList<>());
        vertx().runOnContext(v -> {
            for (int i = 0; i < keys; i++) {
                fromLoop.add(shared.send(Request.cmd(Command.GET).arg("k:" + i)).map(Response::toString));
            }
        });
        Awaitility.await().atMost(WAIT).until(() -> fromLoop.size() == keys);
        for (int i = 0; i < keys; i++) {
            answers.add(fromLoop.get(i));
            expected.add("value of " + i + " é");
        }

        for (int i = 0; i < answers.size(); i++) {
            assertThat(await(answers.get(i))).as("answer %d", i).isEqualTo(expected.get(i));
        }
        assertThat(answers).hasSize(4_000 + keys);
        assertThat(connectionsReceived() - before).as("connections Redis accepted meanwhile").isZero();
    }

    @Test
    void sendsWhatWouldBlockAConnectionToThePool() throws Exception {
        warm();
        Future<Response> popping = shared.send(Request.cmd(Command.BLPOP).arg("jobs").arg(5));

        // A shared connection would answer nothing behind the blocked pop; the pop holds a pooled connection instead.
        assertThat(await(shared.send(Request.cmd(Command.SET).arg("other").arg("v"))).toString()).isEqualTo("OK");
        assertThat(await(shared.send(Request.cmd(Command.GET).arg("other"))).toString()).isEqualTo("v");
        assertThat(popping.isComplete()).as("the pop still waits").isFalse();

        await(shared.send(Request.cmd(Command.RPUSH).arg("jobs").arg("j1")));
        assertThat(await(popping).get(1).toString()).isEqualTo("j1");
        assertThat(RedisSharedConnections.SHARED).doesNotContain(Command.BLPOP, Command.WAIT, Command.MULTI, Command.SUBSCRIBE,
                Command.SELECT, Command.CLIENT, Command.AUTH, Command.HELLO);
    }

    @Test
    void makesItsConnectionsAgainAfterRedisKillsThem() throws Exception {
        warm();
        assertThat(server.command("CLIENT KILL TYPE normal")).matches(":\\d+");

        Awaitility.await("both shared connections made again").atMost(WAIT).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                .until(() -> {
                    assertThat(await(shared.send(Request.cmd(Command.SET).arg("after").arg("kill"))).toString()).isEqualTo("OK");
                    return shared.open() == 2;
                });
        long before = connectionsReceived();
        for (int i = 0; i < 200; i++) {
            assertThat(await(shared.send(Request.cmd(Command.GET).arg("after"))).toString()).isEqualTo("kill");
        }
        assertThat(connectionsReceived() - before).isZero();
    }

    @Test
    void letsGoOfAConnectionThatAnswersNothingAndSendsElsewhere() throws Exception {
        RedisSharedConnections quick = new RedisSharedConnections(pool, 2, Duration.ofMillis(200));
        try {
            Awaitility.await("both shared connections made").atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                await(quick.send(Request.cmd(Command.PING)));
                return quick.open() == 2;
            });
            await(quick.send(Request.cmd(Command.SET).arg("held").arg("still here")));
            // Every client of this Redis waits for 3 s: the shared connections' commands wait unanswered past 200 ms.
            assertThat(server.command("CLIENT PAUSE 3000 ALL")).isEqualTo("+OK");
            List<Future<Response>> waiting = Collections.synchronizedList(new ArrayList<>());
            Awaitility.await("a silent connection let go").atMost(Duration.ofMillis(2_500)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        waiting.add(quick.send(Request.cmd(Command.GET).arg("held")));
                        return quick.open() < 2;
                    });

            // Nothing sent is lost: each command is answered once Redis answers again, and the places are made anew.
            for (Future<Response> answer : waiting) {
                assertThat(await(answer).toString()).isEqualTo("still here");
            }
            Awaitility.await("both shared connections made again").atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                await(quick.send(Request.cmd(Command.PING)));
                return quick.open() == 2;
            });
        } finally {
            quick.close();
        }
    }

    @Test
    void sendsThroughThePoolWhatASharedConnectionHasNoRoomFor() throws Exception {
        // Room for four commands in flight per connection: the rest of a burst of 400 go to the pool, each answered right.
        Redis small = Redis.createClient(vertx(), new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(32)
                .setMaxPoolWaiting(10_000).setMaxWaitingHandlers(4));
        RedisSharedConnections tight = new RedisSharedConnections(small, 2);
        try {
            Awaitility.await("both shared connections made").atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                await(tight.send(Request.cmd(Command.PING)));
                return tight.open() == 2;
            });
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                answers.add(tight.send(Request.cmd(Command.EVAL).arg("return ARGV[1]").arg(0).arg("n" + i)));
            }
            for (int i = 0; i < 400; i++) {
                assertThat(await(answers.get(i)).toString()).isEqualTo("n" + i);
            }
        } finally {
            tight.close();
            small.close();
        }
    }

    @Test
    void keepsItsConnectionsWhenACommandFailsByRedisOrIsRefusedUnsent() throws Exception {
        warm();
        await(shared.send(Request.cmd(Command.SET).arg("text").arg("v")));
        int made = shared.made();

        for (int i = 0; i < 4; i++) {
            // Redis's own error reply, and a command the client refuses before sending it (DEL needs a key).
            assertThat(shared.send(Request.cmd(Command.HGET).arg("text").arg("f")).toCompletionStage().toCompletableFuture())
                    .failsWithin(WAIT).withThrowableThat().withMessageContaining("WRONGTYPE");
            assertThat(shared.send(Request.cmd(Command.DEL)).toCompletionStage().toCompletableFuture())
                    .failsWithin(WAIT).withThrowableThat().withMessageContaining("not valid");
        }

        assertThat(await(shared.send(Request.cmd(Command.GET).arg("text"))).toString()).isEqualTo("v");
        assertThat(shared.made()).as("connections shared so far").isEqualTo(made).isEqualTo(2);
        assertThat(shared.open()).isEqualTo(2);
    }

    @Test
    void sendsThroughThePoolWhileRedisCannotBeReached() throws Exception {
        warm();
        server.stop(false);

        assertThat(shared.send(Request.cmd(Command.GET).arg("k")).toCompletionStage().toCompletableFuture())
                .failsWithin(WAIT);
        Awaitility.await("shared connections let go").atMost(WAIT).until(() -> shared.open() == 0);
        server.restart();

        Awaitility.await("commands answered again").atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> await(shared.send(Request.cmd(Command.PING))).toString().equals("PONG") && shared.open() == 2);
    }
}
