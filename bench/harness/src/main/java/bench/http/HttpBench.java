package bench.http;

import bench.Args;
import bench.redis.RawRedis;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Part 2 of the benchmark: each HTTP operation of the service, first at saturation (closed loop),
 * then at half that rate (constant rate, latency from the intended send time), then at a modest
 * fixed rate, where the machine is far from saturated. Writes JSON.
 *
 * <p>Options: {@code --base} (service URL), {@code --admin-key}, {@code --connections} (50),
 * {@code --warmup} (seconds, closed loop, not counted), {@code --saturate} and {@code --steady}
 * (seconds), {@code --fraction} of the saturation rate for the steady run (0.5), {@code --low-rate} (1,000 per
 * second) and {@code --low-seconds} (6; 0 skips it) for the modest load, {@code --phase-file}
 * (written with the phase and operation, for the CPU and memory sampler), {@code --only} (measure only
 * operations whose name contains this, e.g. when profiling one), {@code --redis-port} and {@code --script}
 * (ratelimit_check.lua) to measure each operation's raw Redis equivalent just before and after its
 * saturation run, {@code --paired-requests} (100,000), {@code --out}.
 */
public final class HttpBench {

    private HttpBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String base = args.get("base");
        URI uri = URI.create(base);
        int connections = args.integer("connections", 50);
        int warmup = args.integer("warmup", 5);
        int saturate = args.integer("saturate", 10);
        int steady = args.integer("steady", 15);
        double fraction = args.decimal("fraction", 0.5);
        double lowRate = args.decimal("low-rate", 1000);
        int lowSeconds = args.integer("low-seconds", 6);
        Path phase = Path.of(args.get("phase-file", "/dev/null"));

        Api api = new Api(base);
        int pairedRequests = args.integer("paired-requests", 100_000);
        RawRedis raw = args.get("redis-port", "").isEmpty() ? null
                : new RawRedis(Integer.parseInt(args.get("redis-port")), Path.of(args.get("script")));
        Fixture fixture = Fixture.create(api, args.get("admin-key"), 1000, 500, 100);
        String only = args.get("only", "");
        List<Operation> operations = Operation.all(fixture).stream().filter(op -> op.name().contains(only)).toList();

        ObjectNode out = Api.JSON.createObjectNode();
        out.put("connections", connections).put("warmupSeconds", warmup).put("saturateSeconds", saturate)
                .put("steadySeconds", steady).put("fraction", fraction)
                .put("progressAvailable", !fixture.progressIds().isEmpty());
        ArrayNode results = out.putArray("operations");
        String metricsBefore = api.metrics();

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try (Load load = new Load(vertx, uri.getHost(), uri.getPort(), connections, fixture.key())) {
            // Every operation once before any is measured: the service's JIT then sees them all.
            for (Operation op : operations) {
                Files.writeString(phase, "warmup " + op.name());
                System.out.printf("%s: warming up %d s%n", op.name(), warmup);
                load.closedLoop(op, connections, warmup);
            }
            for (Operation op : operations) {
                // The same command on raw Redis just before and just after: a ratio of two measurements
                // made minutes apart on a shared machine would mostly measure the neighbours.
                Files.writeString(phase, "raw " + op.name());
                String before = raw != null && op.redisEquivalent() != null ? raw.measure(op.redisEquivalent(), pairedRequests) : null;
                Files.writeString(phase, "saturate " + op.name());
                Load.Result peak = load.closedLoop(op, connections, saturate);
                Files.writeString(phase, "raw " + op.name());
                String after = before != null ? raw.measure(op.redisEquivalent(), pairedRequests) : null;
                System.out.printf("%s: %.0f requests/s at saturation (%d unexpected, %d failed%s)%n", op.name(), peak.rate(),
                        peak.unexpected, peak.failed, peak.firstError == null ? "" : ", first: " + peak.firstError);
                double rate = Math.max(1, peak.rate() * fraction);
                Files.writeString(phase, "steady " + op.name());
                Load.Result held = load.constantRate(op, rate, steady);
                System.out.printf("%s: at %.0f/s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", op.name(), rate,
                        ms(held.latency, 50), ms(held.latency, 95), ms(held.latency, 99));
                Load.Result low = null;
                if (lowSeconds > 0) {
                    Files.writeString(phase, "low " + op.name());
                    low = load.constantRate(op, Math.min(lowRate, rate), lowSeconds);
                    System.out.printf("%s: at %.0f/s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", op.name(), Math.min(lowRate, rate),
                            ms(low.latency, 50), ms(low.latency, 95), ms(low.latency, 99));
                }
                ObjectNode r = results.addObject();
                if (low != null) {
                    r.put("lowRps", Math.min(lowRate, rate)).put("lowP50Ms", ms(low.latency, 50)).put("lowP95Ms", ms(low.latency, 95))
                            .put("lowP99Ms", ms(low.latency, 99)).put("lowErrors", low.unexpected + low.failed);
                }
                r.put("name", op.name()).put("redisEquivalent", op.redisEquivalent());
                r.put("floor", op.name().equals(Operation.FLOOR));
                if (op.target() != null) {
                    r.put("targetPercentile", op.target().percentile()).put("targetMillis", op.target().millis());
                }
                if (before != null) {
                    r.put("pairedRedisRps", (RawRedis.rps(before) + RawRedis.rps(after)) / 2);
                    System.out.printf("%s: raw %s %.0f requests/s before, %.0f after%n", op.name(), op.redisEquivalent(),
                            RawRedis.rps(before), RawRedis.rps(after));
                }
                r.put("saturationRps", peak.rate()).put("saturationP50Ms", ms(peak.latency, 50))
                        .put("saturationP99Ms", ms(peak.latency, 99))
                        .put("saturationErrors", peak.unexpected + peak.failed);
                r.put("offeredRps", rate).put("achievedRps", held.rate()).put("p50Ms", ms(held.latency, 50))
                        .put("p95Ms", ms(held.latency, 95)).put("p99Ms", ms(held.latency, 99))
                        .put("p999Ms", ms(held.latency, 99.9)).put("maxMs", held.latency.getMaxValue() / 1000.0)
                        .put("errors", held.unexpected + held.failed);
                if (held.firstError != null || peak.firstError != null) {
                    r.put("firstError", held.firstError != null ? held.firstError : peak.firstError);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        Files.writeString(phase, "idle");
        String metricsAfter = api.metrics();
        // Answers given by a failure policy instead of the store: operations_degraded_total by capability.
        double degraded = Api.counter(metricsAfter, DEGRADED) - Api.counter(metricsBefore, DEGRADED);
        double rateLimits = Api.counter(metricsAfter, DEGRADED, "capability=\"ratelimit\"")
                - Api.counter(metricsBefore, DEGRADED, "capability=\"ratelimit\"");
        out.put("degradedAnswers", degraded).put("degradedRateLimitDecisions", rateLimits);
        System.out.printf("answers by failure policy during the run: %.0f, of which rate limit decisions: %.0f%n", degraded, rateLimits);
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** The service's counter of answers given by a failure policy (fail mode, degraded miss, remembered key). */
    static final String DEGRADED = "operations_degraded_total";

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
