package bench.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Sends one operation's requests over a fixed number of HTTP/1.1 keep-alive connections, without
 * pipelining, on one event loop. Two ways:
 * <ul>
 * <li>{@link #closedLoop}: every connection sends its next request as soon as the last one is
 * answered (as wrk does): the throughput at saturation.</li>
 * <li>{@link #constantRate}: requests are due at fixed intervals whatever happens (as wrk2 does);
 * a request that cannot go out on time waits for a connection, and its latency is counted from
 * when it was due, not from when it was sent, so a stall is charged to every request it delays
 * (no coordinated omission).</li>
 * </ul>
 */
public final class Load implements AutoCloseable {

    private final Vertx vertx;
    private final HttpClient client;
    private final String key;

    public Load(Vertx vertx, String host, int port, int connections, String key) {
        this.vertx = vertx;
        this.key = key;
        this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                        .setKeepAlive(true).setTcpNoDelay(true).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** What one run measured. Latencies in microseconds. */
    public static final class Result {
        public final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        public long ok;
        public long unexpected;
        public long failed;
        public long seconds;
        public String firstError;

        public double rate() {
            return (double) ok / seconds;
        }
    }

    /** {@code connections} requests in flight at all times for {@code seconds}; only answers within the window count. */
    public Result closedLoop(Operation op, int connections, long seconds) {
        Result result = new Result();
        result.seconds = seconds;
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        int[] running = {connections};
        long[] next = {0};
        vertx.runOnContext(v -> {
            for (int c = 0; c < connections; c++) {
                loop(op, result, end, next, running, done);
            }
        });
        done.join();
        return result;
    }

    private void loop(Operation op, Result result, long end, long[] next, int[] running, CompletableFuture<Void> done) {
        long sent = System.nanoTime();
        if (sent >= end) {
            if (--running[0] == 0) {
                done.complete(null);
            }
            return;
        }
        send(op, (int) (next[0]++ % op.uris().size())).onComplete(ar -> {
            long now = System.nanoTime();
            if (now <= end) {
                record(op, result, ar, now - sent);
            }
            loop(op, result, end, next, running, done);
        });
    }

    /**
     * {@code rate} requests per second for {@code seconds}, each due at {@code start + i / rate},
     * latency from that moment; waits up to 30 s for the last answers.
     */
    public Result constantRate(Operation op, double rate, long seconds) {
        Result result = new Result();
        result.seconds = seconds;
        long total = (long) (rate * seconds);
        CompletableFuture<Void> done = new CompletableFuture<>();
        long[] scheduled = {0};
        long[] answered = {0};
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        double interval = 1e9 / rate;
        vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            while (scheduled[0] < total) {
                long due = start + (long) (scheduled[0] * interval);
                if (due > now) {
                    break;
                }
                int i = (int) (scheduled[0]++ % op.uris().size());
                send(op, i).onComplete(ar -> {
                    record(op, result, ar, System.nanoTime() - due);
                    if (++answered[0] == total) {
                        done.complete(null);
                    }
                });
            }
            if (scheduled[0] >= total) {
                vertx.cancelTimer(timer);
            }
        }));
        try {
            done.get(seconds + 30, TimeUnit.SECONDS);
        } catch (Exception e) {
            result.failed += total - answered[0];
            result.firstError = "unanswered after 30 s: " + (total - answered[0]);
        }
        return result;
    }

    private Future<Integer> send(Operation op, int i) {
        RequestOptions options = new RequestOptions().setMethod(op.method()).setURI(op.uris().get(i));
        if (op.authenticated()) {
            options.putHeader("Authorization", "Bearer " + key);
        }
        if (op.bodies().get(i) != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options).compose(request -> (op.bodies().get(i) == null ? request.send() : request.send(op.bodies().get(i)))
                .compose(response -> response.body().map(body -> response.statusCode())));
    }

    private static void record(Operation op, Result result, io.vertx.core.AsyncResult<Integer> ar, long nanos) {
        if (ar.failed()) {
            result.failed++;
            if (result.firstError == null) {
                result.firstError = String.valueOf(ar.cause());
            }
            return;
        }
        if (!op.expected().contains(ar.result())) {
            result.unexpected++;
            if (result.firstError == null) {
                result.firstError = "status " + ar.result();
            }
            return;
        }
        result.ok++;
        result.latency.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(nanos), result.latency.getHighestTrackableValue()));
    }

    @Override
    public void close() {
        client.close().toCompletionStage().toCompletableFuture().join();
    }
}
