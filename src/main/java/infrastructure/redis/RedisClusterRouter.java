package infrastructure.redis;

import domain.StorePartUnavailableException;
import domain.StoreUnavailableException;
import io.quarkus.redis.runtime.client.ObservableRedisMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.ZModem;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The service's client of a Redis Cluster: each command goes to the master of its first key's hash
 * slot alone, through a pooled client of that master, so that a node that fails affects only the
 * slots it serves and only until its replica takes over.
 *
 * <p>Why not the Vert.x cluster client: it connects to every node of the slot map, replicas included,
 * for every command, and fails the command when any one of them cannot be reached; one node lost was
 * every request failing until the cluster had forgotten it.
 *
 * <p>The slot map comes from {@code CLUSTER SLOTS}, asked of any node that answers (the masters that
 * answer first, then the configured endpoints, each within {@value #ASK_MILLIS} ms): at the first
 * command, every {@code hash-slot-cache-ttl} (the client's own setting, 1 s by default), on a
 * {@code MOVED} answer and on a failure to reach a node (at most every {@value #MIN_REFRESH_GAP_MILLIS}
 * ms). {@code MOVED} is followed to the node it names, {@code ASK} with {@code ASKING} first, up to
 * {@value #REDIRECTS} times. A command without keys (PING, INFO, PUBLISH, SCRIPT LOAD) goes to a master
 * that answers, in turn, and {@link #connect()} gives a connection to one, for pub/sub (Redis forwards
 * every PUBLISH to every node) and server commands; never for commands with keys, which the connection
 * would not route.
 *
 * <p>At each refresh every master is also asked PING within {@value #PING_MILLIS} ms: one that lets two in a
 * row go unanswered (a hung process, a host gone without a word) is held <em>silent</em>, and the commands
 * of its slots fail at once instead of each waiting for its caller's timeout, until it answers again. A master
 * that cannot be reached or is silent fails its commands with {@link StorePartUnavailableException}
 * while another master of the slot map answered a command within the last {@value #OTHERS_ANSWERED_MILLIS}
 * ms, else with a plain {@link StoreUnavailableException}: the circuit breakers open on the second, not
 * on the first. Every command's completion is reported to the client metrics as the Quarkus client
 * reports its own.
 */
public final class RedisClusterRouter implements Redis {

    private static final Logger LOG = Logger.getLogger(RedisClusterRouter.class);

    /** The number of hash slots of every Redis Cluster. */
    static final int SLOTS = 16_384;
    private static final int REDIRECTS = 5;
    private static final long MIN_REFRESH_GAP_MILLIS = 100;
    private static final long OTHERS_ANSWERED_MILLIS = 3_000;
    /** How long one node may take to tell the slot map before the next is asked. */
    private static final long ASK_MILLIS = 1_000;
    /** How long a master may take to answer the refresh's PING before it is held silent. */
    private static final long PING_MILLIS = 500;
    /** How long a client of a node that left the slot map stays open, for the commands already sent to it. */
    private static final long RETIRE_AFTER_MILLIS = 10_000;
    /** The name the Quarkus client reports the default client's commands under. */
    private static final String CLIENT_NAME = "<default>";

    private final Vertx vertx;
    private final RedisOptions options;
    private final ObservableRedisMetrics metrics;
    private final List<String> seeds;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicReference<Future<SlotMap>> refreshing = new AtomicReference<>();
    /** Where the next command without keys begins its turn among the masters. */
    private final AtomicInteger turn = new AtomicInteger();
    private final long timer;
    private volatile SlotMap slots;
    private volatile long refreshStartedAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile boolean closed;

    /**
     * @param options the cluster client's options (its endpoints are the seeds; credentials, TLS and pool
     *                sizes apply to each node's client)
     * @param metrics where each command's completion is reported; null for nowhere
     */
    public RedisClusterRouter(Vertx vertx, RedisOptions options, ObservableRedisMetrics metrics) {
        if (options.getType() != RedisClientType.CLUSTER) {
            throw new IllegalArgumentException("a cluster router needs the options of a cluster client, not " + options.getType());
        }
        this.vertx = vertx;
        this.options = new RedisOptions(options);
        this.metrics = metrics;
        this.seeds = options.getEndpoints().stream().map(RedisClusterRouter::address).distinct().toList();
        // Never shorter than a PING's own wait: two unanswered PINGs must be two different moments.
        long interval = Math.max(PING_MILLIS, options.getHashSlotCacheTTL());
        this.timer = vertx.setPeriodic(interval, id -> {
            refreshNow();
            pingMasters();
        });
    }

    /** {@code host:port} of a connection string. */
    private static String address(String endpoint) {
        URI uri = URI.create(endpoint);
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    /**
     * The options of a client of one node: the cluster's options (credentials, TLS, pool) with that node
     * as the only endpoint, reached with the first configured endpoint's scheme and user info.
     */
    static RedisOptions nodeOptions(RedisOptions cluster, String address) {
        URI first = URI.create(cluster.getEndpoint());
        String userInfo = first.getRawUserInfo() == null ? "" : first.getRawUserInfo() + "@";
        return new RedisOptions(cluster)
                .setType(RedisClientType.STANDALONE)
                .setEndpoints(new ArrayList<>(List.of(first.getScheme() + "://" + userInfo + address)));
    }

    @Override
    public Future<Response> send(Request request) {
        long start = System.nanoTime();
        Call<Response> call = (client, asking) -> asking
                ? client.batch(List.of(Request.cmd(Command.ASKING), request)).map(replies -> replies.get(1))
                : client.send(request);
        return routed(List.of(request), call).andThen(done -> report(start, done.succeeded()));
    }

    /** Sends the batch to the master of its first key (a batch whose keys are in several slots fails as Redis fails it). */
    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        long start = System.nanoTime();
        Call<List<Response>> call = (client, asking) -> {
            if (!asking) {
                return client.batch(requests);
            }
            List<Request> after = new ArrayList<>(requests.size() + 1);
            after.add(Request.cmd(Command.ASKING));
            after.addAll(requests);
            return client.batch(after).map(replies -> replies.subList(1, replies.size()));
        };
        return routed(requests, call).andThen(done -> report(start, done.succeeded()));
    }

    /** A connection to a master that answers, for pub/sub and commands without keys. */
    @Override
    public Future<RedisConnection> connect() {
        return guarded(() -> slotMap().compose(map -> anyMaster(map, (client, asking) -> client.connect())));
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(timer);
        nodes.values().forEach(node -> node.client.close());
        nodes.clear();
    }

    private <T> Future<T> routed(List<Request> requests, Call<T> call) {
        return guarded(() -> slotMap().compose(map -> {
            String master = masterOf(map, requests);
            return master == null ? anyMaster(map, call) : onNode(node(master), call, false, REDIRECTS);
        }));
    }

    /** What a step throws becomes its failed future: a caller always gets a future, and never an exception. */
    private static <T> Future<T> guarded(Supplier<Future<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private void report(long start, boolean succeeded) {
        if (metrics != null) {
            metrics.report(CLIENT_NAME, System.nanoTime() - start, succeeded);
        }
    }

    /** One command or batch, sent with a client; after an {@code ASK}, with {@code ASKING} first. */
    @FunctionalInterface
    private interface Call<T> {
        Future<T> on(Redis client, boolean asking);
    }

    /**
     * The master of the requests' keys; null when none has a key. Keys of several slots are refused: a batch
     * sent to one master would run the commands of its own slots and bounce the others.
     */
    private String masterOf(SlotMap map, List<Request> requests) {
        int slot = -1;
        for (Request request : requests) {
            for (byte[] key : ((RequestImpl) request).keys()) {
                int own = ZModem.generate(key);
                if (slot >= 0 && own != slot) {
                    throw new IllegalArgumentException("the keys of one command or batch must share a hash slot (CROSSSLOT)");
                }
                slot = own;
            }
        }
        if (slot < 0) {
            return null;
        }
        String master = map.bySlot[slot];
        if (master == null) {
            refreshSoon();
            throw new StorePartUnavailableException("no Redis Cluster master serves hash slot " + slot + " now", null);
        }
        return master;
    }

    private <T> Future<T> onNode(Node node, Call<T> call, boolean asking, int redirects) {
        if (node.silent()) {
            return Future.failedFuture(unreachable(node, new StoreUnavailableException("it let " + node.missedPings.get()
                    + " PINGs in a row go unanswered (" + PING_MILLIS + " ms each)", null)));
        }
        return call.on(node.client, asking).compose(
                answer -> {
                    node.answered();
                    return Future.succeededFuture(answer);
                },
                failure -> {
                    Throwable own = RedisFailures.ownError(failure);
                    if (answeredWithError(own)) {
                        // The node answered; an error reply is the command's own unless it sends the command elsewhere.
                        ErrorType error = (ErrorType) own;
                        node.answered();
                        if (redirects > 0 && error.is("MOVED")) {
                            refreshSoon();
                            return onNode(node(redirectedTo(error.getMessage(), node.address)), call, false, redirects - 1);
                        }
                        if (redirects > 0 && error.is("ASK")) {
                            return onNode(node(redirectedTo(error.getMessage(), node.address)), call, true, redirects - 1);
                        }
                        if (CANNOT_SERVE.stream().anyMatch(error::is)) {
                            // Loading after a restart, busy with a script, or the cluster not serving the slot: this part only.
                            refreshSoon();
                            return Future.failedFuture(unreachable(node, own));
                        }
                        return Future.failedFuture(own);
                    }
                    if (!lostConnection(own)) {
                        // This process's own trouble (a full pool, a malformed command): not the node's.
                        return Future.failedFuture(own);
                    }
                    node.failed();
                    refreshSoon();
                    return Future.failedFuture(unreachable(node, own));
                });
    }

    /** Errors a node answers when it cannot serve its slots now, whatever the command. */
    private static final List<String> CANNOT_SERVE = List.of("LOADING", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN");

    /** A failure to reach the node or to hear its answer, as opposed to one of this process or of the command. */
    private static boolean lostConnection(Throwable failure) {
        if (failure instanceof ErrorType error) {
            return error.is("CONNECTION_CLOSED");
        }
        String message = String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return failure instanceof java.io.IOException || failure instanceof StoreUnavailableException
                || message.contains("connection") && (message.contains("closed") || message.contains("reset")
                        || message.contains("refused"));
    }

    /** An error reply of the node, not a lost connection (which the Vert.x client also reports as an error, CONNECTION_CLOSED). */
    private static boolean answeredWithError(Throwable failure) {
        return failure instanceof ErrorType error && !error.is("CONNECTION_CLOSED");
    }

    /**
     * {@code host:port} of a {@code MOVED} or {@code ASK} answer ({@code MOVED 3999 127.0.0.1:6381}): Redis
     * writes an IPv6 address without brackets, and an unknown host as nothing or {@code ?}, which is the
     * answering node's host.
     */
    static String redirectedTo(String answer, String from) {
        String target = answer.trim().split(" ")[2];
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.isEmpty() || host.equals("?")) {
            host = from.substring(0, from.lastIndexOf(':'));
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + target.substring(colon);
    }

    /** Tries the masters in turn, beginning at the next in a rotation, those not failing first, until one is reached. */
    private <T> Future<T> anyMaster(SlotMap map, Call<T> call) {
        List<Node> masters = map.masters.stream().map(this::node).toList();
        int first = Math.floorMod(turn.getAndIncrement(), masters.size());
        List<Node> order = new ArrayList<>(masters.size());
        for (int i = 0; i < masters.size(); i++) {
            Node node = masters.get((first + i) % masters.size());
            if (!node.failing() && node.missedPings.get() == 0) {
                order.add(node);
            }
        }
        masters.stream().filter(node -> !order.contains(node)).forEach(order::add);
        return anyOf(order, 0, call, null);
    }

    private <T> Future<T> anyOf(List<Node> order, int index, Call<T> call, Throwable last) {
        if (index >= order.size()) {
            return Future.failedFuture(new StoreUnavailableException("no Redis Cluster master could be reached"
                    + (last == null ? "" : ": " + last.getMessage()), last));
        }
        Node node = order.get(index);
        // Each master within a bound: one that hangs must not hold a command any master could answer.
        return within(call.on(node.client, false), ASK_MILLIS).compose(
                answer -> {
                    node.answered();
                    return Future.succeededFuture(answer);
                },
                failure -> {
                    Throwable own = RedisFailures.ownError(failure);
                    if (answeredWithError(own)) {
                        node.answered();
                        return Future.failedFuture(own);
                    }
                    if (!lostConnection(own)) {
                        return Future.failedFuture(own);
                    }
                    node.failed();
                    refreshSoon();
                    return anyOf(order, index + 1, call, own);
                });
    }

    private Throwable unreachable(Node node, Throwable failure) {
        String message = "Redis Cluster node " + node.address + " did not answer: "
                + (failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName());
        long since = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(OTHERS_ANSWERED_MILLIS);
        SlotMap map = slots;
        // Only masters count: a replica or a load balancer answering CLUSTER SLOTS serves no command.
        boolean othersAnswer = map != null && map.masters.stream().filter(master -> !master.equals(node.address))
                .map(nodes::get).anyMatch(other -> other != null && other.answeredAt - since > 0);
        return othersAnswer ? new StorePartUnavailableException(message, failure) : new StoreUnavailableException(message, failure);
    }

    private Node node(String address) {
        if (closed) {
            throw new StoreUnavailableException("the Redis client is closed", null);
        }
        Node node = nodes.computeIfAbsent(address, a -> new Node(a, Redis.createClient(vertx, nodeOptions(options, a))));
        if (closed) {
            // closed meanwhile: what close() did not see, this closes
            node.client.close();
            throw new StoreUnavailableException("the Redis client is closed", null);
        }
        return node;
    }

    private Future<SlotMap> slotMap() {
        SlotMap current = slots;
        if (current != null) {
            return Future.succeededFuture(current);
        }
        // Every caller meanwhile waits for one refresh: each goes on in its own (request's) context, not in the one
        // that happened to complete it.
        Promise<SlotMap> own = ((ContextInternal) vertx.getOrCreateContext()).promise();
        refresh().onComplete(own);
        return own.future();
    }

    /** Refreshes the slot map unless one was asked for very recently: a dead node's every request must not ask again. */
    private void refreshSoon() {
        if (System.nanoTime() - refreshStartedAt > TimeUnit.MILLISECONDS.toNanos(MIN_REFRESH_GAP_MILLIS)) {
            refreshNow();
        }
    }

    /** Refreshes the slot map in the background; a failure leaves the one there is. */
    private void refreshNow() {
        if (!closed) {
            refresh().onFailure(failure -> LOG.debugf("the Redis Cluster slot map could not be refreshed: %s", failure.getMessage()));
        }
    }

    /** Asks every master of the slot map PING; one that does not answer within {@value #PING_MILLIS} ms is held silent. */
    private void pingMasters() {
        SlotMap map = slots;
        if (closed || map == null) {
            return;
        }
        for (String address : map.masters) {
            Node node = node(address);
            if (!node.pinging.compareAndSet(false, true)) {
                continue;
            }
            long sent = System.nanoTime();
            within(node.client.send(Request.cmd(Command.PING)), PING_MILLIS).onComplete(pong -> {
                node.pinging.set(false);
                if (pong.succeeded() || answeredWithError(RedisFailures.ownError(pong.cause()))) {
                    node.answered();
                } else if (node.answeredAt - sent < 0) {
                    node.missedPings.incrementAndGet();
                }
            });
        }
    }

    /** The future, or a failure once {@code millis} passed without it. */
    private <T> Future<T> within(Future<T> future, long millis) {
        Promise<T> bounded = Promise.promise();
        long deadline = vertx.setTimer(millis, id -> bounded.tryFail(new StoreUnavailableException("no answer within " + millis + " ms", null)));
        future.onComplete(done -> {
            vertx.cancelTimer(deadline);
            if (done.succeeded()) {
                bounded.tryComplete(done.result());
            } else {
                bounded.tryFail(done.cause());
            }
        });
        return bounded.future();
    }

    /** The slot map as a node says it is now; one question at a time, shared by every caller meanwhile. */
    private Future<SlotMap> refresh() {
        Promise<SlotMap> promise = Promise.promise();
        Future<SlotMap> running = refreshing.compareAndExchange(null, promise.future());
        if (running != null) {
            return running;
        }
        refreshStartedAt = System.nanoTime();
        Future<SlotMap> asked;
        try {
            LinkedHashSet<String> candidates = new LinkedHashSet<>();
            SlotMap current = slots;
            if (current != null) {
                current.masters.stream().filter(address -> !node(address).failing() && !node(address).silent()).forEach(candidates::add);
            }
            candidates.addAll(seeds);
            if (current != null) {
                candidates.addAll(current.masters);
            }
            asked = ask(new ArrayList<>(candidates), 0, null);
        } catch (RuntimeException e) {
            asked = Future.failedFuture(e);
        }
        asked.onComplete(done -> {
            if (done.succeeded()) {
                adopt(done.result());
            }
            refreshing.set(null);
            promise.handle(done);
        });
        return promise.future();
    }

    private Future<SlotMap> ask(List<String> candidates, int index, Throwable last) {
        if (index >= candidates.size()) {
            return Future.failedFuture(new StoreUnavailableException("no Redis Cluster node told its slot map"
                    + (last == null ? "" : ": " + last.getMessage()), last));
        }
        Node node = node(candidates.get(index));
        return within(node.client.send(Request.cmd(Command.CLUSTER).arg("SLOTS")), ASK_MILLIS)
                .map(reply -> SlotMap.of(reply, node.address))
                .recover(failure -> ask(candidates, index + 1, failure));
    }

    /** Takes a new slot map; the clients of nodes that are neither in it nor seeds are closed a while later. */
    private void adopt(SlotMap map) {
        SlotMap before = slots;
        slots = map;
        if (before != null && !before.masters.equals(map.masters)) {
            LOG.infof("Redis Cluster masters are now %s (were %s)", map.masters, before.masters);
        }
        for (String address : List.copyOf(nodes.keySet())) {
            if (!map.masters.contains(address) && !seeds.contains(address)) {
                Node gone = nodes.remove(address);
                if (gone != null) {
                    vertx.setTimer(RETIRE_AFTER_MILLIS, id -> gone.client.close());
                }
            }
        }
    }

    /** The masters' addresses, sorted, as the current slot map has them; empty before the first command. */
    public List<String> masters() {
        SlotMap current = slots;
        return current == null ? List.of() : current.masters;
    }

    /** One node: its pooled client, when it last answered or could not be reached, and the PINGs it let go unanswered since. */
    private static final class Node {

        final String address;
        final Redis client;
        volatile long answeredAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
        volatile long failedAt = answeredAt;
        final AtomicInteger missedPings = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean pinging = new java.util.concurrent.atomic.AtomicBoolean();

        Node(String address, Redis client) {
            this.address = address;
            this.client = client;
        }

        void answered() {
            answeredAt = System.nanoTime();
            missedPings.set(0);
        }

        void failed() {
            failedAt = System.nanoTime();
        }

        /** Could not be reached since it last answered. */
        boolean failing() {
            return failedAt - answeredAt > 0;
        }

        /** Let {@value #SILENT_AFTER} PINGs in a row go unanswered: one alone may be a pause of this process, not of the node. */
        boolean silent() {
            return missedPings.get() >= SILENT_AFTER;
        }

        static final int SILENT_AFTER = 2;
    }

    /** Which master serves each slot ({@code host:port}, null for a slot none serves), and the masters, sorted. */
    record SlotMap(String[] bySlot, List<String> masters) {

        /**
         * From a {@code CLUSTER SLOTS} reply: ranges of {@code [first, last, [host, port, id, ...], replicas...]}.
         * A master announced without a host (Redis's "unknown endpoint": empty or {@code ?}) has the host of
         * the node asked.
         */
        static SlotMap of(Response reply, String asked) {
            String askedHost = asked.substring(0, asked.lastIndexOf(':'));
            String[] bySlot = new String[SLOTS];
            Set<String> masters = new TreeSet<>();
            for (Response range : reply) {
                Response master = range.get(2);
                Response hostField = master.get(0);
                String host = hostField == null || hostField.toString().isEmpty() || hostField.toString().equals("?")
                        ? askedHost : hostField.toString();
                if (host.contains(":") && !host.startsWith("[")) {
                    host = "[" + host + "]";
                }
                String address = host + ":" + master.get(1).toInteger();
                masters.add(address);
                Arrays.fill(bySlot, range.get(0).toInteger(), range.get(1).toInteger() + 1, address);
            }
            if (masters.isEmpty()) {
                throw new IllegalStateException("the Redis Cluster node " + asked + " serves no slots");
            }
            return new SlotMap(bySlot, List.copyOf(masters));
        }
    }
}
