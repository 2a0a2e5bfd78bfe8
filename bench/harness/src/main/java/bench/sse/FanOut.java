package bench.sse;

import bench.Args;
import bench.http.Api;
import bench.http.Fixture;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Part 4 of the benchmark: N subscribers follow one progress operation over SSE while a writer
 * records steps; for every step and subscriber, the delay from the write to the subscriber's
 * receipt of its {@code progress} event. Two clocks: from when the writer sent the step request
 * (what a user sees), and from the event's own {@code time} (the service's write, same machine).
 *
 * <p>Subscribers are spread over several API keys ({@code --per-key}, 16: the service's default
 * {@code max-streams-per-principal}), as many browsers would each hold their own credential, so the
 * per-principal limit on streams does not cap the fan-out. Options: {@code --base}, {@code --admin-key},
 * {@code --subscribers} (comma-separated counts), {@code --steps}, {@code --interval-ms}, {@code --out}.
 */
public final class FanOut {

    private static final Pattern MARKER = Pattern.compile("fanout-(\\d+)");

    private FanOut() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String base = args.get("base");
        URI uri = URI.create(base);
        Api api = new Api(base);
        String admin = args.get("admin-key");
        int steps = args.integer("steps", 20);
        long interval = args.integer("interval-ms", 100);
        int perKey = args.integer("per-key", 16);
        ObjectNode out = Api.JSON.createObjectNode();
        out.put("steps", steps).put("intervalMs", interval).put("subscribersPerKey", perKey);
        ArrayNode runs = out.putArray("runs");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            for (String n : args.get("subscribers", "10,100,1000").split(",")) {
                ObjectNode run = run(vertx, api, uri, admin, Integer.parseInt(n.trim()), steps, interval, perKey);
                if (run == null) {
                    out.put("available", false);
                    break;
                }
                runs.add(run);
                out.put("available", true);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** One fan-out to {@code n} subscribers; null when the service has no progress API. */
    private static ObjectNode run(Vertx vertx, Api api, URI uri, String admin, int n, int steps, long interval, int perKey)
            throws Exception {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k * perKey < n; k++) {
            keys.add(Fixture.createKey(api, admin, "fanout-" + n + "-" + k, Fixture.PROJECT));
        }
        String writer = keys.get(0);
        String path = "/v1/projects/" + Fixture.PROJECT + "/progress";
        Api.Answer started = api.sendPatiently("POST", path, writer, Map.of("totalSteps", steps, "message", "fan-out to " + n));
        if (!started.ok()) {
            System.err.println("progress API not available (" + started.status() + "): fan-out skipped");
            return null;
        }
        String id = started.body().get("id").asText();

        Deliveries deliveries = new Deliveries(steps);
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Map<Integer, String> refusals = new ConcurrentHashMap<>();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()).setKeepAlive(true).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(n));
        for (int s = 0; s < n; s++) {
            int subscriber = s;
            Subscriber parser = new Subscriber(ready, deliveries);
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path + "/" + id + "/events")
                            .putHeader("Authorization", "Bearer " + keys.get(s / perKey))
                            .putHeader("Accept", "text/event-stream"))
                    .compose(request -> request.send())
                    .onSuccess(response -> {
                        if (response.statusCode() != 200) {
                            refused.incrementAndGet();
                            refusals.putIfAbsent(response.statusCode(), "subscriber " + subscriber);
                            response.body();
                            return;
                        }
                        response.handler(chunk -> parser.feed(chunk.toString()));
                    })
                    .onFailure(failure -> {
                        refused.incrementAndGet();
                        refusals.putIfAbsent(-1, String.valueOf(failure));
                    });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ready.get() + refused.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int subscribed = ready.get();
        System.out.printf("fan-out %d: %d subscribed, %d refused %s%n", n, subscribed, refused.get(), refusals);
        String metricsBefore = api.metrics();

        for (int k = 1; k <= steps; k++) {
            deliveries.sent(k, System.nanoTime());
            api.send("POST", path + "/" + id + "/steps", writer, Map.of("message", "fanout-" + k, "increment", 1))
                    .expectOk("recording step " + k);
            Thread.sleep(interval);
        }
        long expected = (long) subscribed * steps;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (deliveries.count() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String metricsAfter = api.metrics();
        api.send("POST", path + "/" + id + "/complete", writer, Map.of("message", "done"));
        client.close().toCompletionStage().toCompletableFuture().join();

        ObjectNode run = Api.JSON.createObjectNode();
        run.put("subscribers", n).put("subscribed", subscribed).put("refused", refused.get())
                .put("expected", expected).put("delivered", deliveries.count());
        synchronized (deliveries) {
            put(run, "fromRequest", deliveries.fromRequest);
            put(run, "fromEventTime", deliveries.fromEventTime);
        }
        ServerLag.between(metricsBefore, metricsAfter).ifPresent(lag -> run.putObject("serviceLag")
                .put("count", lag.count()).put("p50AtMostMs", lag.atMostMs(0.50)).put("p99AtMostMs", lag.atMostMs(0.99)));
        System.out.println(run);
        return run;
    }

    private static void put(ObjectNode run, String name, Histogram h) {
        ObjectNode o = run.putObject(name);
        if (h.getTotalCount() > 0) {
            o.put("p50Ms", h.getValueAtPercentile(50) / 1000.0).put("p99Ms", h.getValueAtPercentile(99) / 1000.0)
                    .put("maxMs", h.getMaxValue() / 1000.0);
        }
    }

    /** Every receipt of every step, as latencies in microseconds. */
    static final class Deliveries {
        final Histogram fromRequest = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        final Histogram fromEventTime = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        private final long[] sentAt;
        private long count;

        Deliveries(int steps) {
            this.sentAt = new long[steps + 1];
        }

        synchronized void sent(int step, long nanos) {
            sentAt[step] = nanos;
        }

        synchronized void received(int step, long nanos, Instant arrived, Instant written) {
            if (step < 1 || step >= sentAt.length || sentAt[step] == 0) {
                return;
            }
            count++;
            fromRequest.recordValue(clamp(TimeUnit.NANOSECONDS.toMicros(nanos - sentAt[step])));
            if (written != null) {
                fromEventTime.recordValue(clamp(Duration.between(written, arrived).toNanos() / 1000));
            }
        }

        synchronized long count() {
            return count;
        }

        private static long clamp(long micros) {
            return Math.max(0, Math.min(micros, TimeUnit.MINUTES.toMicros(1)));
        }
    }

    /** Reads one text/event-stream: lines of {@code field: value}, an event ends at a blank line. */
    static final class Subscriber {
        private final AtomicInteger ready;
        private final Deliveries deliveries;
        private final StringBuilder pending = new StringBuilder();
        private String event = "message";
        private final StringBuilder data = new StringBuilder();
        private boolean counted;
        private int progressEvents;

        Subscriber(AtomicInteger ready, Deliveries deliveries) {
            this.ready = ready;
            this.deliveries = deliveries;
        }

        void feed(String chunk) {
            // Both clocks are read as the bytes arrive, before any parsing: a thousand streams are
            // parsed on one event loop, and the time spent parsing the others is not the service's.
            long now = System.nanoTime();
            Instant arrived = Instant.now();
            pending.append(chunk);
            int newline;
            while ((newline = pending.indexOf("\n")) >= 0) {
                String line = pending.substring(0, newline);
                pending.delete(0, newline + 1);
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isEmpty()) {
                    dispatch(now, arrived);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        }

        private void dispatch(long now, Instant arrived) {
            if (!counted && (event.equals("snapshot") || event.equals("progress"))) {
                counted = true;
                ready.incrementAndGet();
            }
            if (event.equals("progress")) {
                progressEvents++;
                int step = progressEvents;
                Instant written = null;
                try {
                    // Two fields read by hand rather than with a JSON parser, which would cost the
                    // harness's one event loop more than the service spends on the event.
                    Matcher m = MARKER.matcher(data);
                    if (m.find()) {
                        step = Integer.parseInt(m.group(1));
                    }
                    String time = field(data, "time");
                    if (time != null) {
                        written = Instant.parse(time);
                    }
                } catch (RuntimeException e) {
                    // not as expected: fall back to the order of progress events
                }
                deliveries.received(step, now, arrived, written);
            }
            event = "message";
            data.setLength(0);
        }

        /** The value of a string field {@code "name":"value"} of a flat JSON object, or null. */
        static String field(CharSequence json, String name) {
            String text = json.toString();
            String key = "\"" + name + "\":\"";
            int from = text.indexOf(key);
            if (from < 0) {
                return null;
            }
            from += key.length();
            int to = text.indexOf('"', from);
            return to < 0 ? null : text.substring(from, to);
        }
    }
}
