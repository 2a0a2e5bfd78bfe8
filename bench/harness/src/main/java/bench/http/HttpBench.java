package bench.http;

import bench.Args;
import bench.redis.RawRedis;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Part 2 of the benchmark: each HTTP operation of the service, first at saturation (closed loop, with
 * wrk), then at half that rate (constant rate, latency from the intended send time, with the harness's
 * own generator, {@link Paced}), then at a fixed 1,000 requests per second, where the machine is far from
 * saturated and every operation's p99 can be set against the floor's. Before the operations, both
 * generators' own ceilings: each against {@link NullServer}, the cheapest endpoint this machine serves.
 * Writes JSON.
 *
 * <p>Options: {@code --base} (service URL), {@code --admin-key}, {@code --connections} (50),
 * {@code --wrk-threads} (1), {@code --work-dir} (wrk's script and data files, and its log),
 * {@code --null-base} (a running {@link NullServer}; without it no ceilings are measured),
 * {@code --stack-base} (a {@link NullServer} with {@code --redis}: one Redis GET through Vert.x alone),
 * {@code --warmup} (seconds per operation and warm-up round, closed loop, not counted; rounds go on
 * until the service's JIT settles, see {@link #warmUp}), {@code --settle-limit} (150 s for all the warm-up
 * rounds), {@code --saturate} and {@code --steady}
 * (seconds), {@code --fraction} of the saturation rate for the steady run (0.5; never above that
 * fraction of {@link Paced}'s own ceiling, which wrk's saturation rates may pass), {@code --low-rate}
 * (1,000 per second) and {@code --low-seconds} (6; 0 skips it) for the modest load, {@code --phase-file}
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
        int settleLimit = args.integer("settle-limit", 150);
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
                .put("lowRate", lowRate).put("lowSeconds", lowSeconds)
                .put("progressAvailable", !fixture.progressIds().isEmpty());
        ArrayNode results = out.putArray("operations");
        String metricsBefore = api.metrics();

        Wrk wrk = new Wrk(Path.of(args.get("work-dir")), args.integer("wrk-threads", 1), connections);
        out.put("generator", wrk.describe());
        URI nullBase = args.get("null-base", "").isEmpty() ? null : URI.create(args.get("null-base"));
        String key = fixture.key();
        try (Paced load = new Paced(uri.getHost(), uri.getPort(), connections, key)) {
            double javaCeiling = Double.NaN;
            if (nullBase != null) {
                // The generators alone: the floor's requests to a server that does nothing but answer 204.
                Operation nothing = Operation.all(fixture).get(0).expecting("null server: 204", Set.of(204));
                Files.writeString(phase, "ceiling wrk");
                wrk.run(nothing, nullBase, key, Math.min(warmup, 2)); // a server that does nothing warms up in no time
                Wrk.Result ceiling = wrk.run(nothing, nullBase, key, saturate);
                System.out.printf("generator ceiling: %s against the null server, %.0f requests/s (%d errors)%n", wrk.describe(),
                        ceiling.rate(), ceiling.unexpected() + ceiling.failed());
                Files.writeString(phase, "ceiling java");
                try (Paced toNothing = new Paced(nullBase.getHost(), nullBase.getPort(), connections, key)) {
                    // Short: this ceiling only caps the constant rates below; the warm-up also readies the generator for them.
                    toNothing.closedLoop(nothing, Math.min(warmup, 2));
                    Paced.Result java = toNothing.closedLoop(nothing, Math.min(saturate, 4));
                    javaCeiling = java.rate();
                    System.out.printf("generator ceiling: Paced against the null server, %.0f requests/s (%d errors)%n",
                            javaCeiling, java.unexpected + java.failed);
                    out.put("javaCeilingRps", javaCeiling).put("javaCeilingErrors", java.unexpected + java.failed);
                    if (lowSeconds > 0) {
                        // What the generator and the machine add to every p99 measured at this rate.
                        Files.writeString(phase, "ceiling java low");
                        Paced.Result alone = toNothing.constantRate(nothing, lowRate, lowSeconds);
                        System.out.printf("Paced against the null server at %.0f/s: p50 %.2f ms, p99 %.2f ms%n", lowRate,
                                ms(alone.latency, 50), ms(alone.latency, 99));
                        out.put("generatorLowP50Ms", ms(alone.latency, 50)).put("generatorLowP95Ms", ms(alone.latency, 95))
                                .put("generatorLowP99Ms", ms(alone.latency, 99)).put("generatorLowErrors", alone.unexpected + alone.failed);
                    }
                }
                out.put("ceilingRps", ceiling.rate()).put("ceilingP50Ms", ceiling.p50Ms()).put("ceilingP99Ms", ceiling.p99Ms())
                        .put("ceilingErrors", ceiling.unexpected() + ceiling.failed());
            }
            URI stackBase = args.get("stack-base", "").isEmpty() ? null : URI.create(args.get("stack-base"));
            if (stackBase != null) {
                // One Redis GET through Vert.x alone: the least a cache read on this stack costs.
                Operation read = Operation.all(fixture).get(0).expecting("Vert.x alone: one Redis GET", Set.of(200));
                Files.writeString(phase, "stack ceiling");
                wrk.run(read, stackBase, key, warmup);
                Wrk.Result stack = wrk.run(read, stackBase, key, saturate);
                System.out.printf("stack ceiling: %s against Vert.x with one Redis GET, %.0f requests/s (%d errors)%n",
                        wrk.describe(), stack.rate(), stack.unexpected() + stack.failed());
                out.put("stackCeilingRps", stack.rate()).put("stackCeilingErrors", stack.unexpected() + stack.failed());
                if (lowSeconds > 0) {
                    // The same GET at the modest rate: the p99 of one Redis round trip on this stack and machine, the
                    // least any operation's p99 below can be.
                    Files.writeString(phase, "stack low");
                    try (Paced toStack = new Paced(stackBase.getHost(), stackBase.getPort(), connections, key)) {
                        toStack.closedLoop(read, Math.min(warmup, 2));
                        Paced.Result alone = toStack.constantRate(read, lowRate, lowSeconds);
                        System.out.printf("Vert.x with one Redis GET at %.0f/s: p50 %.2f ms, p99 %.2f ms%n", lowRate,
                                ms(alone.latency, 50), ms(alone.latency, 99));
                        out.put("stackLowP50Ms", ms(alone.latency, 50)).put("stackLowP95Ms", ms(alone.latency, 95))
                                .put("stackLowP99Ms", ms(alone.latency, 99)).put("stackLowErrors", alone.unexpected + alone.failed);
                    }
                }
            }
            // Every operation in turn, round after round, until the service's JIT compiler settles: measured
            // while it still compiles, an operation pays for the compiler's work on the same two cores.
            double settledAt = warmUp(operations, wrk, uri, key, warmup, settleLimit, api, phase);
            out.put("jitSettled", settledAt >= 0).put("warmupTotalSeconds", Math.abs(settledAt)).put("settledShare", SETTLED);
            for (Operation op : operations) {
                // The same command on raw Redis just before and just after: a ratio of two measurements
                // made minutes apart on a shared machine would mostly measure the neighbours.
                Files.writeString(phase, "raw " + op.name());
                String before = raw != null && op.redisEquivalent() != null ? raw.measure(op.redisEquivalent(), pairedRequests) : null;
                Files.writeString(phase, "saturate " + op.name());
                String metricsAtStart = api.metrics();
                Wrk.Result peak = wrk.run(op, uri, key, saturate);
                String metricsAtEnd = api.metrics();
                double allocated = Api.counter(metricsAtEnd, ALLOCATED) - Api.counter(metricsAtStart, ALLOCATED);
                double compiling = Api.counter(metricsAtEnd, COMPILATION) - Api.counter(metricsAtStart, COMPILATION);
                Files.writeString(phase, "raw " + op.name());
                String after = before != null ? raw.measure(op.redisEquivalent(), pairedRequests) : null;
                System.out.printf("%s: %.0f requests/s at saturation (%d unexpected, %d failed%s)%n", op.name(), peak.rate(),
                        peak.unexpected(), peak.failed(), peak.firstError() == null ? "" : ", first: " + peak.firstError());
                // Paced times the constant-rate phases; past about half its own ceiling it would time itself.
                double rate = Math.max(1, peak.rate() * fraction);
                boolean capped = rate > javaCeiling * fraction;
                if (capped) {
                    rate = javaCeiling * fraction;
                }
                Files.writeString(phase, "steady " + op.name());
                Paced.Result held = load.constantRate(op, rate, steady);
                System.out.printf("%s: at %.0f/s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", op.name(), rate,
                        ms(held.latency, 50), ms(held.latency, 95), ms(held.latency, 99));
                Paced.Result low = null;
                if (lowSeconds > 0) {
                    Files.writeString(phase, "low " + op.name());
                    low = load.constantRate(op, lowRate, lowSeconds);
                    System.out.printf("%s: at %.0f/s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", op.name(), lowRate,
                            ms(low.latency, 50), ms(low.latency, 95), ms(low.latency, 99));
                }
                ObjectNode r = results.addObject();
                if (low != null) {
                    r.put("lowRps", lowRate).put("lowP50Ms", ms(low.latency, 50)).put("lowP95Ms", ms(low.latency, 95))
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
                r.put("saturationCompileMs", compiling);
                r.put("saturationRps", peak.rate()).put("saturationP50Ms", peak.p50Ms()).put("saturationP99Ms", peak.p99Ms())
                        .put("saturationErrors", peak.unexpected() + peak.failed());
                long answered = peak.ok() + peak.unexpected();
                if (answered > 0 && allocated > 0) {
                    // Heap the service allocated per answer (the JVM's own count, young generation): steadier than
                    // throughput on a shared machine, and what the collector pays for.
                    r.put("allocatedBytesPerRequest", allocated / answered);
                }
                r.put("offeredRps", rate).put("offeredCapped", capped).put("achievedRps", held.rate()).put("p50Ms", ms(held.latency, 50))
                        .put("p95Ms", ms(held.latency, 95)).put("p99Ms", ms(held.latency, 99))
                        .put("p999Ms", ms(held.latency, 99.9)).put("maxMs", held.latency.getMaxValue() / 1000.0)
                        .put("errors", held.unexpected + held.failed);
                if (held.firstError != null || peak.firstError() != null) {
                    r.put("firstError", held.firstError != null ? held.firstError : peak.firstError());
                }
            }
            Operation floor = operations.stream().filter(op -> op.name().equals(Operation.FLOOR)).findFirst().orElse(null);
            if (floor != null && lowSeconds > 0 && operations.size() > 1) {
                // The floor at the modest rate once more, after the operations: each operation's p99 is set against
                // the mean of the two, as each saturation run against raw Redis before and after it.
                Files.writeString(phase, "low again " + floor.name());
                Paced.Result again = load.constantRate(floor, lowRate, lowSeconds);
                System.out.printf("%s again: at %.0f/s p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", floor.name(), lowRate,
                        ms(again.latency, 50), ms(again.latency, 95), ms(again.latency, 99));
                ((ObjectNode) results.get(0)).put("lowAgainP50Ms", ms(again.latency, 50)).put("lowAgainP95Ms", ms(again.latency, 95))
                        .put("lowAgainP99Ms", ms(again.latency, 99)).put("lowAgainErrors", again.unexpected + again.failed);
            }
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

    /**
     * Runs every operation for {@code slice} seconds in turn, round after round, until a round in which
     * the service's JIT compiler worked less than {@value #SETTLED} of the round's time, or {@code limit}
     * seconds in all (the round that passes it included). A service still compiling is measured at a
     * fraction of its speed (docs/benchmarks.md, 2026-12-07).
     *
     * @return the seconds spent; negative when the limit came first
     */
    static double warmUp(List<Operation> operations, Wrk wrk, URI uri, String key, int slice, int limit, Api api, Path phase)
            throws Exception {
        if (!api.metrics().contains(COMPILATION)) {
            // Without it every round would look settled: better no figures than figures of a service still compiling.
            throw new IllegalStateException("the service exports no " + COMPILATION + ", which the warm-up waits on");
        }
        long started = System.nanoTime();
        for (int round = 1; ; round++) {
            double compiledBefore = Api.counter(api.metrics(), COMPILATION);
            long roundStart = System.nanoTime();
            for (Operation op : operations) {
                Files.writeString(phase, "warmup " + op.name());
                wrk.run(op, uri, key, slice);
            }
            double roundMs = (System.nanoTime() - roundStart) / 1e6;
            double compiledMs = Api.counter(api.metrics(), COMPILATION) - compiledBefore;
            double spent = (System.nanoTime() - started) / 1e9;
            System.out.printf("warm-up round %d: the JIT compiled for %.0f ms of %.0f ms%n", round, compiledMs, roundMs);
            if (compiledMs < SETTLED * roundMs) {
                return spent;
            }
            if (spent + roundMs / 1e3 > limit) {
                System.out.printf("warm-up: the JIT had not settled after %.0f s; measuring anyway%n", spent);
                return -spent;
            }
        }
    }

    /** The share of a warm-up round's time below which the JIT compiler is taken as settled. */
    public static final double SETTLED = 0.03;
    /** The service's JIT compiler time (Micrometer's JvmCompilationMetrics), in milliseconds. */
    public static final String COMPILATION = "jvm_compilation_time_ms_total";

    /** The service's counter of answers given by a failure policy (fail mode, degraded miss, remembered key). */
    static final String DEGRADED = "operations_degraded_total";
    /** The JVM's count of bytes allocated in the young generation, as Micrometer exports it. */
    static final String ALLOCATED = "jvm_gc_memory_allocated_bytes_total";

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
