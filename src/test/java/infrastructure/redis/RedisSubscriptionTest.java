package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisServer;

/**
 * One subscription, one connection: after Redis restarts, again and again, and after a connection
 * reports itself lost while it still delivers (as a Redis Cluster connection does when one of its
 * nodes is lost), each subscription holds exactly one subscribed connection and each message
 * arrives once. Counted on the server with {@code CLIENT LIST}.
 */
class RedisSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Vertx VERTX = Vertx.vertx();
    private static final String CHANNEL = "t:sub:probe";

    @AfterAll
    static void closeVertx() {
        VERTX.closeAndAwait();
    }

    /** One instance's subscription, counting every message it hands over. */
    private static final class Counted {

        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        final RedisSubscription subscription;

        Counted(ReactiveRedisDataSource redis) {
            subscription = RedisSubscription.toChannel(redis, CHANNEL,
                    (channel, message) -> received.computeIfAbsent(message, m -> new AtomicInteger()).incrementAndGet());
        }

        int times(String message) {
            AtomicInteger n = received.get(message);
            return n == null ? 0 : n.get();
        }
    }

    private static long publish(ReactiveRedisDataSource redis, String message) {
        return redis.execute(Command.PUBLISH, CHANNEL, message).await().atMost(WAIT).toLong();
    }

    /** Connections subscribed to something, from the server's own client list. */
    private static long subscribedConnections(ReactiveRedisDataSource redis) {
        String clients = redis.execute(Command.CLIENT, "LIST").await().atMost(WAIT).toString();
        return clients.lines().filter(line -> !line.contains(" sub=0 ")).count();
    }

    /** Publishes {@code message} and asks each subscription to be made (again) until every one has it. */
    private static void deliveredToAll(ReactiveRedisDataSource publisher, String message, List<Counted> instances) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            instances.forEach(i -> i.subscription.start());
            if (instances.stream().allMatch(i -> i.times(message) > 0)) {
                return true;
            }
            publish(publisher, message);
            return false;
        });
    }

    /** Each instance holds exactly once each of {@code messages}, also a moment later. */
    private static void eachOnce(List<Counted> instances, String message) {
        Awaitility.await().atMost(WAIT).until(() -> instances.stream().allMatch(i -> i.times(message) == 1));
        Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> instances.stream().allMatch(i -> i.times(message) == 1));
    }

    @Test
    void holdsOneConnectionPerSubscriptionAndDeliversEachMessageOnceAfterRedisRestartsRepeatedly() {
        try (RedisServer own = RedisServer.start()) {
            Assumptions.assumeTrue(own.isControllable(), "needs a redis-server this test can restart");
            ReactiveRedisDataSource inspector = RedisClients.dataSource(own.url());
            List<Counted> instances = List.of(new Counted(RedisClients.dataSource(own.url())),
                    new Counted(RedisClients.dataSource(own.url())));
            instances.forEach(i -> i.subscription.ready().await().atMost(WAIT));

            for (int restart = 1; restart <= 4; restart++) {
                own.stop(true);
                own.restart();
                deliveredToAll(inspector, "after restart " + restart, instances);
            }

            assertThat(subscribedConnections(inspector)).as("one subscribed connection per subscription per instance").isEqualTo(2);
            assertThat(publish(inspector, "once")).as("receivers of a message, as Redis counts them").isEqualTo(2);
            eachOnce(instances, "once");
            instances.forEach(i -> i.subscription.close().await().atMost(WAIT));
        }
    }

    @Test
    void closesAConnectionReportedLostThatStillDeliversSoThatNoMessageArrivesTwice() {
        try (RedisServer own = RedisServer.start()) {
            ReactiveRedisDataSource inspector = RedisClients.dataSource(own.url());
            NodeLossRedis client = new NodeLossRedis(Redis.createClient(VERTX.getDelegate(), new RedisOptions()
                    .setConnectionString(own.url())));
            io.vertx.mutiny.redis.client.Redis redis = io.vertx.mutiny.redis.client.Redis.newInstance(client);
            Counted instance = new Counted(new ReactiveRedisDataSourceImpl(VERTX, redis, RedisAPI.api(redis)));
            instance.subscription.ready().await().atMost(WAIT);
            deliveredToAll(inspector, "before", List.of(instance));

            for (int loss = 1; loss <= 3; loss++) {
                // One node of a cluster connection is lost: the connection reports it, and the node it subscribed on still delivers.
                client.latest().reportNodeLost();
                deliveredToAll(inspector, "after loss " + loss, List.of(instance));
            }

            assertThat(client.connections).hasSize(4);
            assertThat(subscribedConnections(inspector)).as("the lost connections were closed").isEqualTo(1);
            assertThat(publish(inspector, "once")).isEqualTo(1);
            eachOnce(List.of(instance), "once");
            instance.subscription.close().await().atMost(WAIT);
        }
    }

    /** A client whose connections can report a loss while they stay open, as one over several cluster nodes does. */
    private static final class NodeLossRedis implements Redis {

        private final Redis delegate;
        final List<NodeLossConnection> connections = new CopyOnWriteArrayList<>();

        NodeLossRedis(Redis delegate) {
            this.delegate = delegate;
        }

        NodeLossConnection latest() {
            return connections.get(connections.size() - 1);
        }

        @Override
        public Future<RedisConnection> connect() {
            return delegate.connect().map(connection -> {
                NodeLossConnection reporting = new NodeLossConnection(connection);
                connections.add(reporting);
                return reporting;
            });
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public Future<Response> send(Request command) {
            return delegate.send(command);
        }

        @Override
        public Future<List<Response>> batch(List<Request> commands) {
            return delegate.batch(commands);
        }
    }

    private static final class NodeLossConnection implements RedisConnection {

        private final RedisConnection delegate;
        private volatile Handler<Throwable> onException;

        NodeLossConnection(RedisConnection delegate) {
            this.delegate = delegate;
        }

        void reportNodeLost() {
            onException.handle(new ConnectException("a node of the cluster is lost"));
        }

        @Override
        public RedisConnection exceptionHandler(Handler<Throwable> handler) {
            onException = handler;
            delegate.exceptionHandler(handler);
            return this;
        }

        @Override
        public RedisConnection handler(Handler<Response> handler) {
            delegate.handler(handler);
            return this;
        }

        @Override
        public RedisConnection pause() {
            delegate.pause();
            return this;
        }

        @Override
        public RedisConnection resume() {
            delegate.resume();
            return this;
        }

        @Override
        public RedisConnection fetch(long amount) {
            delegate.fetch(amount);
            return this;
        }

        @Override
        public RedisConnection endHandler(Handler<Void> handler) {
            delegate.endHandler(handler);
            return this;
        }

        @Override
        public Future<Response> send(Request command) {
            return delegate.send(command);
        }

        @Override
        public Future<List<Response>> batch(List<Request> commands) {
            return delegate.batch(commands);
        }

        @Override
        public Future<Void> close() {
            return delegate.close();
        }

        @Override
        public boolean pendingQueueFull() {
            return delegate.pendingQueueFull();
        }
    }
}
