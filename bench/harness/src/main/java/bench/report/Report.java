package bench.report;

import bench.Args;
import bench.http.Api;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Turns one harness run's result files into the Markdown section bench/run appends to
 * docs/benchmarks.md: the five parts' tables, the ratios, and each target met or missed.
 * Reads from {@code --results}: meta.properties, redis.csv, http.json, variants.json, jmh.json, fanout.json,
 * memory.json, stores.json, nearcache.json, values.json, values-codec.json, values-dictionary.json, rss.log (the sampler's phases, RSS and CPU
 * ticks) and otlp.txt; a part whose file is missing is reported as not run (parts 2b, 7, 8 and 9: left out).
 */
public final class Report {

    private final Path dir;
    private final Properties meta = new Properties();
    private final StringBuilder md = new StringBuilder();
    private final List<String> verdicts = new ArrayList<>();

    private Report(Path dir) throws IOException {
        this.dir = dir;
        try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"))) {
            meta.load(r);
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Report report = new Report(Path.of(args.get("results")));
        String text = report.write();
        Files.writeString(Path.of(args.get("out")), text);
        System.out.print(text);
    }

    private String write() throws IOException {
        Map<String, double[]> redis = redis();
        md.append("\n## Harness run ").append(meta.getProperty("date")).append(", commit `")
                .append(meta.getProperty("commit")).append("`\n\n");
        md.append("- Machine: ").append(meta.getProperty("cpu")).append(", ").append(meta.getProperty("cores"))
                .append(" cores, ").append(meta.getProperty("memory")).append(" memory; shared with other builds, so noisy. ")
                .append("Load generator, service and Redis all run on these cores, over loopback.\n");
        md.append("- Software: ").append(meta.getProperty("java")).append("; Redis ").append(meta.getProperty("redis"))
                .append(" (`deploy/redis.conf`, snapshots off); Quarkus ").append(meta.getProperty("quarkus")).append(".\n");
        md.append("- Service: `java ").append(meta.getProperty("jvm")).append(" -jar target/quarkus-app/quarkus-run.jar` with ")
                .append("`CACHE_DOMAIN_STORE=redis`, tracing on (OTLP/gRPC to a local sink, default sampling ")
                .append("`parentbased_traceidratio` 0.1: ").append(otlp()).append("), and the `api` policy raised to 10^9 per minute and ")
                .append("per hour (`CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE`, `…_PER_HOUR`) so it never throttles: it is still ")
                .append("checked on every request, in process from allowances leased in batches (one lease round trip per batch of at most 100).\n");
        md.append("- Command: `").append(meta.getProperty("command")).append("`; took ").append(meta.getProperty("elapsed", "?"))
                .append(" s in all.\n");
        redisPart(redis);
        httpPart(redis);
        variantsPart();
        jmhPart();
        fanOutPart();
        memoryPart();
        tasksPart();
        storesPart();
        nearCachePart();
        valuesPart();
        md.append("\n### Targets\n\n");
        for (String v : verdicts) {
            md.append("- ").append(v).append('\n');
        }
        return md.toString();
    }

    // ---- part 1

    /** redis-benchmark CSV rows by test name: rps, avg, min, p50, p95, p99, max. */
    private Map<String, double[]> redis() throws IOException {
        Map<String, double[]> rows = new LinkedHashMap<>();
        Path csv = dir.resolve("redis.csv");
        if (!Files.exists(csv)) {
            return rows;
        }
        for (String line : Files.readAllLines(csv)) {
            if (!line.startsWith("\"") || line.startsWith("\"test\"")) {
                continue;
            }
            String[] cells = line.replace("\"", "").split(",");
            double[] values = new double[cells.length - 1];
            for (int i = 1; i < cells.length; i++) {
                values[i - 1] = Double.parseDouble(cells[i]);
            }
            String name = cells[0].startsWith("EVALSHA") ? "EVALSHA" : cells[0].split(" ")[0];
            rows.put(name, values);
        }
        return rows;
    }

    private void redisPart(Map<String, double[]> redis) {
        md.append("\n### 1. The ceiling: raw Redis (redis-benchmark, 50 clients, no pipelining)\n\n");
        if (redis.isEmpty()) {
            md.append("Not run.\n");
            return;
        }
        md.append("| command | requests/s | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |\n");
        Map<String, String> what = Map.of("GET", "`GET` of a 256-byte value", "SET", "`SET` of 256 bytes",
                "EVALSHA", "`EVALSHA` of `ratelimit_check.lua` (two windows, 10,000 identifiers)");
        redis.forEach((name, v) -> md.append("| ").append(what.getOrDefault(name, name)).append(" | ")
                .append(num(v[0])).append(" | ").append(ms(v[3])).append(" | ").append(ms(v[4])).append(" | ")
                .append(ms(v[5])).append(" |\n"));
    }

    // ---- part 2

    /** Bars of issue #12, each stated as met or missed in the Targets list. */
    private static final double FLOOR_SHARE = 0.5;
    private static final double REDIS_SHARE = 0.3;
    private static final double REDIS_SHARE_AIM = 0.5;
    private static final double CPU_TIMES_FLOOR = 3;
    private static final double P99_OVER_FLOOR_MS = 1;

    private void httpPart(Map<String, double[]> redis) throws IOException {
        JsonNode http = json("http.json");
        md.append("\n### 2. The service over HTTP\n\n");
        if (http == null) {
            md.append("Not run.\n");
            return;
        }
        String generator = http.path("generator").asText("the harness's Java generator");
        md.append(String.format(Locale.ROOT, "%d connections, no pipelining. Saturation: `%s`, closed loop for %d s after the "
                        + "warm-up below (%d s per operation and round), each operation's requests prepared once in a Lua script (keys, identifiers, tokens in turn). "
                        + "Latency: the harness's own generator (`Paced`) at a constant rate, timed from each request's intended "
                        + "send time (no coordinated omission), for %d s at %.0f%% of the saturation rate (at most %.0f%% of "
                        + "`Paced`'s own ceiling below), then for %d s at %s req/s. Raw Redis: the equivalent command "
                        + "with redis-benchmark just before and just after the operation's saturation run (their mean), "
                        + "so both see the same neighbours.%n%n",
                http.get("connections").asInt(), generator, http.get("saturateSeconds").asInt(), http.get("warmupSeconds").asInt(),
                http.get("steadySeconds").asInt(), 100 * http.get("fraction").asDouble(), 100 * http.get("fraction").asDouble(),
                http.path("lowSeconds").asInt(6), num(http.path("lowRate").asDouble(1000))));
        JsonNode floor = null;
        for (JsonNode op : http.get("operations")) {
            if (op.path("floor").asBoolean()) {
                floor = op;
            }
        }
        double floorRps = floor == null ? Double.NaN : floor.get("saturationRps").asDouble();
        double[] floorCpu = floor == null ? null : cpu("saturate " + floor.get("name").asText());
        double floorCpuPerRequest = floorCpu == null ? Double.NaN : floorCpu[0] * 1e6 / floorRps;
        double floorLowP99 = floor == null ? Double.NaN : floor.path("lowP99Ms").asDouble(Double.NaN);
        if (floor != null && floor.has("lowAgainP99Ms")) {
            floorLowP99 = (floorLowP99 + floor.get("lowAgainP99Ms").asDouble()) / 2;
        }

        if (http.has("ceilingRps")) {
            double ceiling = http.get("ceilingRps").asDouble();
            md.append("The generators' own ceiling, in this run: each against a null server (`bench.http.NullServer`: Vert.x, ")
                    .append("one event loop, a 204 to every request and nothing else), the cheapest endpoint this machine serves; ")
                    .append("a lower bound of each generator's ceiling, as the null server too takes its share of the cores. ")
                    .append("The floor is the service's cheapest answer: a cache GET without a credential, refused with 401 ")
                    .append("before any Redis call (routing, the authentication check, a problem body, tracing, metrics).\n\n");
            md.append("| generator | against | req/s | share of its ceiling |\n| --- | --- | ---: | ---: |\n");
            md.append("| `").append(generator).append("` | the null server | ").append(num(ceiling)).append(" | 1.00 |\n");
            md.append("| `").append(generator).append("` | the service's HTTP floor | ").append(num(floorRps)).append(" | ")
                    .append(ratio(floorRps / ceiling)).append(" |\n");
            if (http.has("javaCeilingRps")) {
                md.append("| the harness's own generator (`bench.http.Paced`: Java NIO, one thread), closed loop | the null server | ")
                        .append(num(http.get("javaCeilingRps").asDouble())).append(" | 1.00 |\n");
            }
            if (Double.isNaN(floorRps)) {
                md.append("\nThe floor was not measured in this run (BENCH_ONLY).\n\n");
            } else {
                boolean below = floorRps / ceiling < 0.9;
                md.append(String.format(Locale.ROOT, "%nThe floor reaches %s of wrk's ceiling: %s%n%n", ratio(floorRps / ceiling),
                        below ? "the service, not the generator, sets it." : "**the generator may be what limits it**."));
                verdicts.add(String.format(Locale.ROOT, "Harness: the saturation generator is not the floor's ceiling (floor under 0.9 of "
                        + "`%s` against the null server): %s (%s: %s vs %s req/s).", generator, below ? "met" : "**missed**",
                        ratio(floorRps / ceiling), num(floorRps), num(ceiling)));
            }
        }

        if (http.has("warmupTotalSeconds")) {
            md.append(String.format(Locale.ROOT, "Warm-up: every operation in turn for %d s, round after round until the service's "
                    + "JIT compiler worked less than %.0f%% of a round (`jvm_compilation_time_ms_total`): %s after %.0f s. Measured "
                    + "while it still compiled, a cache GET reached about a third of its warm throughput (docs/benchmarks.md, "
                    + "2026-12-07).%n%n", http.path("warmupSeconds").asInt(), 100 * http.path("settledShare").asDouble(0.03),
                    http.path("jitSettled").asBoolean() ? "settled" : "**not settled**", http.get("warmupTotalSeconds").asDouble()));
        }
        md.append("Throughput and CPU at saturation (CPU from /proc, sampled each second; ").append(cores())
                .append(" cores in all, the rest is the load generator, Redis and the other engineers' work; heap allocated: the "
                        + "service's `jvm_gc_memory_allocated_bytes_total` over the run, which moves at each young collection, "
                        + "divided by the answers; JIT: the service's compiler time during the run):\n\n");
        md.append("| operation | req/s | vs floor | raw Redis equivalent | vs raw Redis | service, cores | Redis, cores | machine busy "
                + "| service CPU per request | vs floor's | heap allocated per request | JIT | errors |\n");
        md.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (JsonNode op : http.get("operations")) {
            String name = op.get("name").asText();
            boolean isFloor = op.path("floor").asBoolean();
            String eq = op.path("redisEquivalent").isTextual() ? op.get("redisEquivalent").asText() : null;
            double[] standalone = eq == null ? null : redis.get(eq);
            double rawRps = op.has("pairedRedisRps") ? op.get("pairedRedisRps").asDouble()
                    : standalone == null ? Double.NaN : standalone[0];
            double rps = op.get("saturationRps").asDouble();
            double toFloor = rps / floorRps;
            double toRedis = rps / rawRps;
            double[] cpu = cpu("saturate " + name);
            double perRequest = cpu == null ? Double.NaN : cpu[0] * 1e6 / rps;
            double cpuTimes = perRequest / floorCpuPerRequest;
            md.append("| ").append(name).append(" | ").append(num(rps)).append(" | ").append(isFloor ? "1.00" : ratio(toFloor))
                    .append(" | ").append(eq == null ? "none" : "`" + eq + "` " + num(rawRps)).append(" | ").append(ratio(toRedis))
                    .append(" | ").append(cpu == null ? "–" : String.format(Locale.ROOT, "%.2f", cpu[0])).append(" | ")
                    .append(cpu == null ? "–" : String.format(Locale.ROOT, "%.2f", cpu[1])).append(" | ")
                    .append(cpu == null ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * cpu[2])).append(" | ")
                    .append(Double.isNaN(perRequest) ? "–" : String.format(Locale.ROOT, "%.0f µs", perRequest)).append(" | ")
                    .append(isFloor ? "1.0×" : times(cpuTimes)).append(" | ")
                    .append(op.has("allocatedBytesPerRequest")
                            ? String.format(Locale.ROOT, "%.1f KB", op.get("allocatedBytesPerRequest").asDouble() / 1000) : "–")
                    .append(" | ").append(op.has("saturationCompileMs")
                            ? String.format(Locale.ROOT, "%.0f ms", op.get("saturationCompileMs").asDouble()) : "–")
                    .append(" | ").append(op.get("saturationErrors").asLong())
                    .append(" |\n");
            if (isFloor) {
                continue;
            }
            if (!Double.isNaN(toFloor)) {
                verdicts.add(String.format(Locale.ROOT, "Ours: %s at least %s × the HTTP floor's throughput (same generator): %s (%s).",
                        name, trim(FLOOR_SHARE), toFloor >= FLOOR_SHARE ? "met" : "**missed**", ratio(toFloor)));
            }
            if (!Double.isNaN(toRedis)) {
                verdicts.add(String.format(Locale.ROOT, "Ours: %s at least %s × raw `%s`, aiming for %s: %s (%s%s).", name,
                        trim(REDIS_SHARE), eq, trim(REDIS_SHARE_AIM), toRedis >= REDIS_SHARE ? "met" : "**missed**", ratio(toRedis),
                        toRedis >= REDIS_SHARE_AIM ? ", aim reached" : ", aim not reached"));
            }
            if (!Double.isNaN(cpuTimes)) {
                verdicts.add(String.format(Locale.ROOT, "Ours: %s CPU per request within %s × the floor's: %s (%s: %.0f µs vs %.0f µs).",
                        name, trim(CPU_TIMES_FLOOR), cpuTimes <= CPU_TIMES_FLOOR ? "met" : "**missed**", times(cpuTimes), perRequest,
                        floorCpuPerRequest));
            }
        }

        if (http.has("stackCeilingRps")) {
            double stack = http.get("stackCeilingRps").asDouble();
            double cacheGet = Double.NaN;
            for (JsonNode op : http.get("operations")) {
                if (op.get("name").asText().startsWith("cache GET")) {
                    cacheGet = op.get("saturationRps").asDouble();
                }
            }
            md.append(String.format(Locale.ROOT, "%nReference, same generator: Vert.x and its Redis client alone (`bench.http.NullServer "
                    + "--redis --redis-connections=2`, as many event loops as the service, its GETs over two shared connections as the "
                    + "service sends its commands), one `GET` of a 256-byte value per request and nothing else "
                    + "(no authentication, routing, JSON, tracing or metrics): %s req/s (%d errors), %s of the floor. It is the "
                    + "most a cache read can reach on this stack and machine: the bar of %s × the floor is %s of it, and the "
                    + "service's cache GET reached %s of it.%n", num(stack), http.path("stackCeilingErrors").asLong(),
                    ratio(stack / floorRps), trim(FLOOR_SHARE), ratio(FLOOR_SHARE * floorRps / stack), ratio(cacheGet / stack)));
        }

        md.append("\nLatency at ").append(String.format(Locale.ROOT, "%.0f%%", 100 * http.get("fraction").asDouble()))
                .append(" of each operation's saturation rate (`Paced`, constant rate):\n\n");
        md.append("| operation | offered req/s | achieved req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors | seed target |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (JsonNode op : http.get("operations")) {
            String target = "";
            if (op.has("targetPercentile")) {
                int p = op.get("targetPercentile").asInt();
                double bound = op.get("targetMillis").asDouble();
                double got = op.get(p == 99 ? "p99Ms" : "p95Ms").asDouble();
                boolean met = got < bound;
                target = String.format(Locale.ROOT, "p%d < %s ms: %s", p, trim(bound), met ? "met" : "**missed**");
                String verdict = String.format(Locale.ROOT, "Seed: %s p%d < %s ms: at half of saturation %s (%s ms at %s req/s)",
                        op.get("name").asText(), p, trim(bound), met ? "met" : "**missed**", ms(got), num(op.get("offeredRps").asDouble()));
                if (op.has("lowRps")) {
                    double low = op.get(p == 99 ? "lowP99Ms" : "lowP95Ms").asDouble();
                    verdict += String.format(Locale.ROOT, "; at %s req/s %s (%s ms)", num(op.get("lowRps").asDouble()),
                            low < bound ? "met" : "**missed**", ms(low));
                }
                verdicts.add(verdict + ".");
            }
            md.append("| ").append(op.get("name").asText()).append(" | ").append(num(op.get("offeredRps").asDouble()))
                    .append(op.path("offeredCapped").asBoolean() ? " (capped)" : "").append(" | ")
                    .append(num(op.path("achievedRps").asDouble(Double.NaN))).append(" | ")
                    .append(ms(op.get("p50Ms").asDouble())).append(" | ").append(ms(op.get("p95Ms").asDouble()))
                    .append(" | ").append(ms(op.get("p99Ms").asDouble())).append(" | ").append(ms(op.get("p999Ms").asDouble()))
                    .append(" | ").append(op.get("errors").asLong()).append(" | ").append(target).append(" |\n");
        }
        if (http.get("operations").get(0).has("lowRps")) {
            md.append("\nLatency at ").append(num(http.path("lowRate").asDouble(1000)))
                    .append(" req/s, where the machine is far from saturated, against the floor's p99 in the same run")
                    .append(floor != null && floor.has("lowAgainP99Ms") ? " (the floor is measured first and again after the last "
                            + "operation; the reference is the mean of its two p99s, " + ms(floorLowP99) + " ms)" : "")
                    .append(http.has("generatorLowP99Ms") ? ". The first row is `Paced` alone, against the null server: "
                            + "what it and the machine add to every row" : "")
                    .append(http.has("stackLowP99Ms") ? "; the next, Vert.x and its Redis client alone making one `GET` per request: "
                            + "what one Redis round trip adds on this stack, the least an operation's p99 can be" : "").append(".\n\n");
            md.append("| operation | req/s | p50 ms | p95 ms | p99 ms | p99 − floor's p99 | errors |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            if (http.has("generatorLowP99Ms")) {
                md.append("| `Paced` alone: null server, 204 | ").append(num(http.path("lowRate").asDouble(1000))).append(" | ")
                        .append(ms(http.get("generatorLowP50Ms").asDouble())).append(" | ")
                        .append(ms(http.get("generatorLowP95Ms").asDouble())).append(" | ")
                        .append(ms(http.get("generatorLowP99Ms").asDouble())).append(" | ")
                        .append(String.format(Locale.ROOT, "%+.2f ms", http.get("generatorLowP99Ms").asDouble() - floorLowP99))
                        .append(" | ").append(http.get("generatorLowErrors").asLong()).append(" |\n");
            }
            if (http.has("stackLowP99Ms")) {
                md.append("| Vert.x and its Redis client alone, one `GET` (the reference above) | ")
                        .append(num(http.path("lowRate").asDouble(1000))).append(" | ")
                        .append(ms(http.get("stackLowP50Ms").asDouble())).append(" | ")
                        .append(ms(http.get("stackLowP95Ms").asDouble())).append(" | ")
                        .append(ms(http.get("stackLowP99Ms").asDouble())).append(" | ")
                        .append(String.format(Locale.ROOT, "%+.2f ms", http.get("stackLowP99Ms").asDouble() - floorLowP99))
                        .append(" | ").append(http.get("stackLowErrors").asLong()).append(" |\n");
            }
            for (JsonNode op : http.get("operations")) {
                double p99 = op.get("lowP99Ms").asDouble();
                double over = p99 - floorLowP99;
                boolean isFloor = op.path("floor").asBoolean();
                md.append("| ").append(op.get("name").asText()).append(" | ").append(num(op.get("lowRps").asDouble())).append(" | ")
                        .append(ms(op.get("lowP50Ms").asDouble())).append(" | ").append(ms(op.get("lowP95Ms").asDouble()))
                        .append(" | ").append(ms(p99)).append(" | ")
                        .append(isFloor ? "–" : String.format(Locale.ROOT, "%+.2f ms", over)).append(" | ")
                        .append(op.get("lowErrors").asLong()).append(" |\n");
                if (isFloor && op.has("lowAgainP99Ms")) {
                    md.append("| ").append(op.get("name").asText()).append(", again after the operations | ")
                            .append(num(op.get("lowRps").asDouble())).append(" | ").append(ms(op.get("lowAgainP50Ms").asDouble()))
                            .append(" | ").append(ms(op.get("lowAgainP95Ms").asDouble())).append(" | ")
                            .append(ms(op.get("lowAgainP99Ms").asDouble())).append(" | – | ").append(op.get("lowAgainErrors").asLong())
                            .append(" |\n");
                }
                if (!isFloor && !Double.isNaN(over)) {
                    verdicts.add(String.format(Locale.ROOT, "Ours: %s p99 at %s req/s within %s ms of the floor's: %s (%+.2f ms: %s vs %s ms).",
                            op.get("name").asText(), num(op.get("lowRps").asDouble()), trim(P99_OVER_FLOOR_MS),
                            over <= P99_OVER_FLOOR_MS ? "met" : "**missed**", over, ms(p99), ms(floorLowP99)));
                }
            }
        }
        if (!http.get("progressAvailable").asBoolean()) {
            md.append("\nProgress step: not measured, the service has no progress API yet.\n");
        }
        md.append(String.format(Locale.ROOT, "%nAnswers given by a failure policy instead of the store during the run "
                        + "(`operations_degraded_total`): %.0f, of which rate limit decisions by fail mode (store slower than 50 ms): %.0f.%n",
                http.path("degradedAnswers").asDouble(), http.get("degradedRateLimitDecisions").asDouble()));
        md.append("Session validate and progress step have no single-command equivalent; each is one script round trip "
                + "after authentication, so their ceiling is taken as the rate limit script's `EVALSHA`. wrk tells a 2xx "
                + "from any other status only: the floor's 401s are checked status by status in the constant-rate phases.\n");
    }

    // ---- part 2b

    private void variantsPart() throws IOException {
        JsonNode v = json("variants.json");
        if (v == null) {
            return;
        }
        md.append("\n### 2b. What the service's layers cost on a cache GET\n\n");
        md.append(String.format(Locale.ROOT, "Instances of the same jar on the same Redis, each with a layer switched on or "
                + "off, measured in turns (%d s of warm-up each, then %d rounds of %d s closed loop with `%s`, %d connections, each round "
                + "starting with the next instance) so that the machine's noise falls on all alike; median of the rounds after "
                + "the first %d, which still catch the JIT compiling.%n%n", v.path("warmupSeconds").asInt(),
                v.get("rounds").asInt(), v.get("seconds").asInt(), v.path("generator").asText("the Java generator"),
                v.get("connections").asInt(), v.path("discarded").asInt()));
        boolean withCpu = v.get("variants").get(0).has("medianCpuMicros");
        md.append(withCpu
                ? "| instance | median req/s | rounds | vs the first | median CPU per request | CPU per request in each round | CPU vs the first |\n"
                        + "| --- | ---: | --- | ---: | ---: | --- | ---: |\n"
                : "| instance | median req/s | rounds | vs the first |\n| --- | ---: | --- | ---: |\n");
        double base = Double.NaN;
        double baseCpu = Double.NaN;
        for (JsonNode variant : v.get("variants")) {
            double median = variant.get("medianRps").asDouble();
            if (Double.isNaN(base)) {
                base = median;
                baseCpu = variant.path("medianCpuMicros").asDouble(Double.NaN);
            }
            List<String> rounds = new ArrayList<>();
            variant.get("rps").forEach(r -> rounds.add(num(r.asDouble())));
            md.append("| ").append(variant.get("name").asText()).append(" | ").append(num(median)).append(" | ")
                    .append(String.join(", ", rounds)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f×", median / base)).append(" |");
            if (withCpu) {
                double cpu = variant.path("medianCpuMicros").asDouble(Double.NaN);
                List<String> each = new ArrayList<>();
                variant.path("cpuMicros").forEach(c -> each.add(String.format(Locale.ROOT, "%.0f", c.asDouble())));
                md.append(String.format(Locale.ROOT, " %.0f µs | %s | %.2f× |", cpu, String.join(", ", each), cpu / baseCpu));
            }
            md.append("\n");
        }
    }

    // ---- part 8

    /** Goals of the near-cached GET: shares of the HTTP floor and of raw Redis GET, and its p99 at half load. */
    private static final double NEAR_FLOOR_GOAL = 0.9;
    private static final double NEAR_REDIS_GOAL = 0.5;
    private static final double NEAR_P99_GOAL_MS = 1.0;

    private void nearCachePart() throws IOException {
        JsonNode v = json("nearcache.json");
        if (v == null) {
            return;
        }
        md.append("\n### 8. The near cache: cache GET (hit) with it on and off, the HTTP floor and raw Redis GET\n\n");
        md.append(String.format(Locale.ROOT, "Two instances of the same jar on the same Redis, one with "
                + "`CACHE_DOMAIN_REDIS_NEAR_CACHE_ENABLED=true`; GET over 100 entries of 256 B; the floor is a 401 on the "
                + "near-cached instance; raw Redis GET is redis-benchmark (50 clients, %d requests, 256 B). In turns: %d s of "
                + "warm-up each, then %d rounds of %d s closed loop with `%s`, each round starting with the next measurement; "
                + "median of the rounds after the first %d.%n%n", v.path("redisRequests").asInt(), v.path("warmupSeconds").asInt(),
                v.get("rounds").asInt(), v.get("seconds").asInt(), v.path("generator").asText(), v.path("discarded").asInt()));
        md.append("| measurement | median req/s | rounds | near-cached GET ÷ this |\n| --- | ---: | --- | ---: |\n");
        double nearRps = Double.NaN;
        Map<String, Double> medians = new LinkedHashMap<>();
        for (JsonNode m : v.get("measurements")) {
            medians.put(m.get("name").asText(), m.get("medianRps").asDouble());
        }
        nearRps = medians.getOrDefault("cache GET, near cache on", Double.NaN);
        for (JsonNode m : v.get("measurements")) {
            List<String> rounds = new ArrayList<>();
            m.get("rps").forEach(r -> rounds.add(num(r.asDouble())));
            double median = m.get("medianRps").asDouble();
            md.append("| ").append(m.get("name").asText()).append(" | ").append(num(median)).append(" | ")
                    .append(String.join(", ", rounds)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", nearRps / median)).append(" |\n");
        }
        double toFloor = nearRps / medians.getOrDefault("HTTP floor: 401, no Redis", Double.NaN);
        double toRedis = nearRps / medians.getOrDefault("raw Redis GET", Double.NaN);
        double toOff = nearRps / medians.getOrDefault("cache GET, near cache off", Double.NaN);
        JsonNode low = v.path("halfLoad");
        double p99 = low.path("cache GET, near cache on").path("p99Ms").asDouble(Double.NaN);
        double floorP99 = low.path("HTTP floor: 401, no Redis").path("p99Ms").asDouble(Double.NaN);
        md.append(String.format(Locale.ROOT, "%nAt half of the near-cached GET's rate (%s req/s, %d s, constant rate, the harness's "
                + "own generator, after 2 s at that rate unmeasured): near-cached GET p50 %s ms, p99 %s ms; the floor p50 %s ms, p99 %s ms. "
                + "The tenths of a second with an answer over 5 ms: near-cached GET %s; the floor %s.%n",
                num(low.path("rate").asDouble()), low.path("seconds").asInt(),
                decimal(low.path("cache GET, near cache on").path("p50Ms")), decimal(low.path("cache GET, near cache on").path("p99Ms")),
                decimal(low.path("HTTP floor: 401, no Redis").path("p50Ms")), decimal(low.path("HTTP floor: 401, no Redis").path("p99Ms")),
                orNone(low.path("cache GET, near cache on").path("slowTenths").asText("")),
                orNone(low.path("HTTP floor: 401, no Redis").path("slowTenths").asText(""))));
        JsonNode memory = v.path("memory");
        if (!memory.isMissingNode()) {
            md.append(String.format(Locale.ROOT, "%nMemory: %,d entries of %d-byte values read through the near-cached instance "
                    + "grew its live heap (after a full GC, `jcmd GC.run`) from %s to %s: **%,.0f bytes per entry held**.%n",
                    memory.get("entries").asInt(), memory.get("valueBytes").asInt(), mib(memory.get("heapAfterWritesKb").asLong()),
                    mib(memory.get("heapFilledKb").asLong()), memory.get("bytesPerEntry").asDouble()));
        }
        verdicts.add(String.format(Locale.ROOT, "Near cache: cache GET with it on at least %s × the HTTP floor: %s (%.2f×; %.2f× the "
                + "same GET with it off).", trim(NEAR_FLOOR_GOAL), toFloor >= NEAR_FLOOR_GOAL ? "met" : "**missed**", toFloor, toOff));
        verdicts.add(String.format(Locale.ROOT, "Near cache: cache GET with it on at least %s × raw Redis GET: %s (%.2f×).",
                trim(NEAR_REDIS_GOAL), toRedis >= NEAR_REDIS_GOAL ? "met" : "**missed**", toRedis));
        verdicts.add(String.format(Locale.ROOT, "Near cache: p99 at half load under %s ms: %s (%.3f ms; the floor's %.3f ms at the same rate).",
                trim(NEAR_P99_GOAL_MS), p99 < NEAR_P99_GOAL_MS ? "met" : "**missed**", p99, floorP99));
    }

    // ---- part 9

    /** Goals of issue "values at rest": throughput kept with both steps on 1 KB values, bytes left of 100 KB values. */
    private static final double VALUES_THROUGHPUT_GOAL = 0.8;
    private static final double VALUES_SIZE_GOAL = 0.4;
    private static final String BOTH = "compressed and encrypted";

    private void valuesPart() throws IOException {
        JsonNode v = json("values.json");
        if (v == null) {
            return;
        }
        md.append("\n### 9. Values at rest: plain, compressed, encrypted, both\n\n");
        List<String> settings = new ArrayList<>();
        for (JsonNode variant : v.get("variants")) {
            settings.add(String.format(Locale.ROOT, "%s (`%s`: %s)", variant.get("name").asText(), variant.get("project").asText(),
                    variant.get("settings").asText()));
        }
        List<String> sizes = new ArrayList<>();
        for (JsonNode size : v.get("sizes")) {
            sizes.add(String.format(Locale.ROOT, "%d of at least %s bytes for %s (%s bytes on average)", size.get("documents").asInt(),
                    num(size.get("minBytes").asDouble()), size.get("name").asText(), num(size.get("meanTextBytes").asDouble())));
        }
        md.append(String.format(Locale.ROOT, "One instance of the jar on Redis (tracing off, keys under `values:`) whose four projects write values four "
                + "ways: %s; "
                + "per-project settings (`-Dcache-domain.values.projects.<project>.compression=false`) and "
                + "`CACHE_DOMAIN_VALUES_ENCRYPTION_PROJECTS`. Values: JSON documents of a customer and their orders, generated from a "
                + "fixed seed (`bench.values.Documents`: ids, names, prices, dates, line items, notes), the same in every project: %s. "
                + "GET reads these entries in turn; PUT writes them again under other keys. For each size and operation: %d s of "
                + "warm-up per variant, then %d rounds of %d s closed loop with `%s` in turns (each round starting with the next "
                + "variant), median of the rounds; the service's CPU time over each round (`/proc/<pid>/stat`, user and system) "
                + "divided by its requests, median of the rounds; then each variant for %d s at one constant rate, %.0f%% of the "
                + "slowest variant's median (the harness's own generator, latency from each request's due time).%n%n",
                String.join(", ", settings), String.join("; ", sizes), v.get("warmupSeconds").asInt(), v.get("rounds").asInt(),
                v.get("seconds").asInt(), v.path("generator").asText(), v.get("pacedSeconds").asInt(),
                100 * v.get("pacedFraction").asDouble()));

        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode m : v.get("measurements")) {
            byKey.put(m.get("size").asText() + "|" + m.get("operation").asText() + "|" + m.get("variant").asText(), m);
        }
        md.append("| size | operation | variant | req/s | vs plain | rounds | p99 ms at constant rate | wrk p99 ms (closed loop) "
                + "| service CPU per request | vs plain | errors |\n");
        md.append("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (JsonNode m : v.get("measurements")) {
            JsonNode plain = byKey.get(m.get("size").asText() + "|" + m.get("operation").asText() + "|plain");
            double rps = m.get("medianRps").asDouble();
            double cpu = m.path("cpuMicrosPerRequest").asDouble(Double.NaN);
            List<String> rounds = new ArrayList<>();
            m.get("rps").forEach(r -> rounds.add(num(r.asDouble())));
            md.append("| ").append(m.get("size").asText()).append(" | cache ").append(m.get("operation").asText()).append(" | ")
                    .append(m.get("variant").asText()).append(" | ").append(num(rps)).append(" | ")
                    .append(ratio(rps / plain.get("medianRps").asDouble())).append(" | ").append(String.join(", ", rounds)).append(" | ")
                    .append(m.has("pacedP99Ms") ? ms(m.get("pacedP99Ms").asDouble()) + " at " + num(m.get("pacedRate").asDouble()) + "/s"
                            : "–")
                    .append(" | ").append(ms(m.get("wrkP99Ms").asDouble())).append(" | ")
                    .append(Double.isNaN(cpu) ? "–" : String.format(Locale.ROOT, "%.0f µs", cpu)).append(" | ")
                    .append(ratio(cpu / plain.path("cpuMicrosPerRequest").asDouble(Double.NaN))).append(" | ")
                    .append(m.get("errors").asLong() + m.path("pacedErrors").asLong()).append(" |\n");
            if (m.get("size").asText().equals("1 KB") && m.get("variant").asText().equals(BOTH)) {
                double share = rps / plain.get("medianRps").asDouble();
                verdicts.add(String.format(Locale.ROOT, "Values at rest: compression and encryption cost under %.0f %% of cache %s's "
                        + "throughput on 1 KB values: %s (%s × plain's: %s vs %s req/s; CPU per request %s × plain's).",
                        100 * (1 - VALUES_THROUGHPUT_GOAL), m.get("operation").asText(),
                        share >= VALUES_THROUGHPUT_GOAL ? "met" : "**missed**", ratio(share), num(rps),
                        num(plain.get("medianRps").asDouble()), ratio(cpu / plain.path("cpuMicrosPerRequest").asDouble(Double.NaN))));
            }
        }

        md.append("\nWhat each variant stores, over the entries GET reads; the stored form of every one of them checked against "
                + "its project's settings (the first bytes, as README \"Values at rest\" gives them):\n\n");
        md.append("| size | variant | stored form | value bytes (`HSTRLEN`) | vs plain | entry (`MEMORY USAGE … SAMPLES 0`) | vs plain |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        Map<String, JsonNode> plainStored = new LinkedHashMap<>();
        for (JsonNode s : v.get("storage")) {
            if (s.get("variant").asText().equals("plain")) {
                plainStored.put(s.get("size").asText(), s);
            }
        }
        for (JsonNode s : v.get("storage")) {
            JsonNode plain = plainStored.get(s.get("size").asText());
            double memory = s.get("meanMemoryUsage").asDouble();
            double share = memory / plain.get("meanMemoryUsage").asDouble();
            md.append("| ").append(s.get("size").asText()).append(" | ").append(s.get("variant").asText()).append(" | ")
                    .append(s.get("form").asText()).append(" | ").append(num(s.get("meanValueBytes").asDouble())).append(" | ")
                    .append(ratio(s.get("meanValueBytes").asDouble() / plain.get("meanValueBytes").asDouble())).append(" | ")
                    .append(num(memory)).append(" | ").append(ratio(share)).append(" |\n");
            if (s.get("size").asText().equals("100 KB") && s.get("variant").asText().equals(BOTH)) {
                verdicts.add(String.format(Locale.ROOT, "Values at rest: 100 KB values, compressed and encrypted, stored in under %.0f %% "
                        + "of their plain size (`MEMORY USAGE` of the entry): %s (%.1f %%: %s vs %s bytes).", 100 * VALUES_SIZE_GOAL,
                        share < VALUES_SIZE_GOAL ? "met" : "**missed**", 100 * share, num(memory),
                        num(plain.get("meanMemoryUsage").asDouble())));
            }
        }
        md.append("\n`MEMORY USAGE` counts what the allocator gave each field (jemalloc's size classes), so values a few bytes "
                + "apart can show the same figure; `HSTRLEN` is the stored value itself. An encrypted value is 33 bytes longer "
                + "than what it encrypts (key id, nonce, tag), a stored form other than text 2 more (format and flags).\n");

        JsonNode codec = json("values-codec.json");
        if (codec != null) {
            md.append(String.format(Locale.ROOT, "%nThe codec chain alone (`bench.values.CodecCost`: the service's `ValueCodec` in process, "
                    + "one thread, the same documents, keysets in memory; median of %d passes taking turns between the formats), "
                    + "µs per value:%n%n", codec.get("passes").asInt()));
            md.append("| size | variant | encode (PUT) µs | decode (GET) µs | stored bytes |\n| --- | --- | ---: | ---: | ---: |\n");
            for (JsonNode r : codec.get("rows")) {
                md.append("| ").append(r.get("size").asText()).append(" | ").append(r.get("variant").asText()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.get("encodeMicros").asDouble())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.get("decodeMicros").asDouble())).append(" | ")
                        .append(num(r.get("meanStoredBytes").asDouble())).append(" |\n");
            }
        }

        JsonNode d = json("values-dictionary.json");
        if (d != null) {
            md.append(String.format(Locale.ROOT, "%nWhat a zstd dictionary per project would give on 1 KB values (`bench.values.DictionaryStudy`, "
                    + "in process, zstd-jni %s; the service has no dictionaries): trained on %s documents of the same shape (%s bytes), "
                    + "then %s other documents (%s bytes on average, another seed) each compressed on its own, as the service "
                    + "compresses a value. Bytes are the zstd frame's, before the stored form's 2 and encryption's 33 above. "
                    + "All the documents come from one generator, so they share every field name: the most a dictionary can "
                    + "give; a real project's values vary more.%n%n", d.path("zstdJni").asText("?"),
                    num(d.get("samples").asDouble()), num(d.get("trainingBytes").asDouble()), num(d.get("tests").asDouble()),
                    num(d.get("meanTextBytes").asDouble())));
            md.append("| compression | dictionary bytes | bytes per value | of the text | compress µs | decompress µs | training ms |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (JsonNode r : d.get("rows")) {
                md.append("| ").append(r.get("name").asText()).append(" | ")
                        .append(r.get("dictionaryBytes").asInt() == 0 ? "–" : num(r.get("dictionaryBytes").asDouble()))
                        .append(" | ").append(num(r.get("meanFrameBytes").asDouble())).append(" | ")
                        .append(ratio(r.get("ratio").asDouble())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.get("compressMicros").asDouble())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.get("decompressMicros").asDouble())).append(" | ")
                        .append(r.get("dictionaryBytes").asInt() == 0 ? "–" : num(r.get("trainMs").asDouble())).append(" |\n");
            }
        }
    }

    // ---- part 7

    /** Goals of the embedded store against the memory store: reads at least this share, writes at least that one. */
    private static final double EMBEDDED_READ_GOAL = 0.8;
    private static final double EMBEDDED_WRITE_GOAL = 0.5;

    private void storesPart() throws IOException {
        JsonNode v = json("stores.json");
        if (v == null) {
            return;
        }
        md.append("\n### 7. The stores side by side\n\n");
        md.append(String.format(Locale.ROOT, "The same jar on each store (`CACHE_DOMAIN_STORE=embedded`, `memory`, `redis`), no "
                + "tracing, the same fixture on each; every operation first warmed up %d s on each instance, then per operation %d rounds of %d s closed loop with "
                + "`%s`, %d connections, each round starting with the next instance; medians of the rounds after the first %d. "
                + "Ratios divide by the %s store.%n%n", v.path("warmupSeconds").asInt(), v.get("rounds").asInt(),
                v.get("seconds").asInt(), v.path("generator").asText(), v.get("connections").asInt(), v.path("discarded").asInt(),
                v.get("reference").asText()));
        md.append("| operation | store | req/s | p50 ms | p99 ms | vs ").append(v.get("reference").asText())
                .append(" |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (JsonNode op : v.get("operations")) {
            String name = op.get("operation").asText();
            double reference = Double.NaN;
            for (JsonNode store : op.get("stores")) {
                if (store.get("store").asText().equals(v.get("reference").asText())) {
                    reference = store.get("medianRps").asDouble();
                }
            }
            for (JsonNode store : op.get("stores")) {
                double rps = store.get("medianRps").asDouble();
                md.append("| ").append(name).append(" | ").append(store.get("store").asText()).append(" | ").append(num(rps))
                        .append(" | ").append(ms(store.get("p50Ms").asDouble())).append(" | ").append(ms(store.get("p99Ms").asDouble()))
                        .append(" | ").append(ratio(rps / reference)).append(" |\n");
                if (store.get("store").asText().equals("embedded")) {
                    // Session validate slides the session's idle expiry: a write on every store (Redis's script writes too).
                    boolean read = name.startsWith("cache GET");
                    double goal = read ? EMBEDDED_READ_GOAL : EMBEDDED_WRITE_GOAL;
                    verdicts.add(String.format(Locale.ROOT, "Embedded store, %s (%s): %s of the memory store's throughput (goal ≥ %.1f): %s.",
                            name, read ? "a read" : name.startsWith("session validate") ? "a write: it slides the idle expiry" : "a write",
                            ratio(rps / reference), goal, rps / reference >= goal ? "met" : "**missed**"));
                }
            }
        }
        JsonNode size = v.get("embeddedSize");
        if (size != null) {
            md.append(String.format(Locale.ROOT, "%nEmbedded store size: %,d entries of %d B took the database from %,d to %,d bytes: "
                    + "%.0f bytes per entry, %.1f MiB per 10,000 (keys, value, times and indexes; the WAL, at most a few MiB, "
                    + "comes on top).%n", size.get("entries").asLong(), size.get("valueBytes").asInt(), size.get("bytesBefore").asLong(),
                    size.get("bytesAfter").asLong(), size.get("bytesPerEntry").asDouble(),
                    size.get("bytesPerEntry").asDouble() * 10_000 / (1 << 20)));
        }
    }

    // ---- part 3

    private void jmhPart() throws IOException {
        JsonNode jmh = json("jmh.json");
        md.append("\n### 3. Rate limit adapter vs Bucket4j (JMH, in process, same Redis)\n\n");
        if (jmh == null || jmh.isEmpty()) {
            md.append("Not run.\n");
            return;
        }
        Map<String, double[]> by = new LinkedHashMap<>(); // name -> thrpt, p50 us, p99 us
        int threads = 0;
        for (JsonNode b : jmh) {
            String name = b.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.') + 1);
            threads = b.get("threads").asInt();
            double[] v = by.computeIfAbsent(name, k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            JsonNode m = b.get("primaryMetric");
            String unit = m.get("scoreUnit").asText();
            if (b.get("mode").asText().equals("thrpt")) {
                v[0] = m.get("score").asDouble() * perSecond(unit);
            } else if (b.get("mode").asText().equals("sample")) {
                double toMicros = micros(unit);
                v[1] = m.get("scorePercentiles").get("50.0").asDouble() * toMicros;
                v[2] = m.get("scorePercentiles").get("99.0").asDouble() * toMicros;
            }
        }
        md.append("Bucket4j ").append(meta.getProperty("bucket4j")).append(" (`bucket4j_jdk17-lettuce`, compare-and-swap) on Lettuce ")
                .append(meta.getProperty("lettuce")).append(", one multiplexed connection; ours: `RedisRateLimitRepository` + ")
                .append("`RateLimiter.decide` on the Quarkus reactive client (pool of 32), awaited on the benchmark thread. ")
                .append(threads).append(" threads, each waiting for its answer; two limits that never deny; JMH `-f 1 ")
                .append(meta.getProperty("jmhIterations", "")).append("`, throughput and sample modes. ")
                .append("Hot key: every thread checks one identifier. Many keys: 100,000 identifiers at random.\n\n");
        md.append("| case | ours checks/s | Bucket4j checks/s | ours / Bucket4j | ours p50 / p99 ms | Bucket4j p50 / p99 ms |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (String c : List.of("HotKey", "ManyKeys")) {
            double[] ours = by.getOrDefault("ours" + c, new double[] {Double.NaN, Double.NaN, Double.NaN});
            double[] peer = by.getOrDefault("bucket4j" + c, new double[] {Double.NaN, Double.NaN, Double.NaN});
            double ratio = ours[0] / peer[0];
            md.append("| ").append(c.equals("HotKey") ? "one hot key" : "many keys").append(" | ").append(num(ours[0]))
                    .append(" | ").append(num(peer[0])).append(" | ").append(String.format(Locale.ROOT, "%.2f", ratio))
                    .append(" | ").append(ms(ours[1] / 1000)).append(" / ").append(ms(ours[2] / 1000)).append(" | ")
                    .append(ms(peer[1] / 1000)).append(" / ").append(ms(peer[2] / 1000)).append(" |\n");
            if (c.equals("HotKey")) {
                verdicts.add(String.format(Locale.ROOT, "Ours: faster than Bucket4j on the hot key: %s (%.2f×).",
                        ratio > 1 ? "met" : "**missed**", ratio));
            }
        }
    }

    private static double perSecond(String unit) {
        return switch (unit) {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            default -> throw new IllegalArgumentException("unexpected JMH unit " + unit);
        };
    }

    private static double micros(String unit) {
        return switch (unit) {
            case "s/op" -> 1e6;
            case "ms/op" -> 1e3;
            case "us/op" -> 1;
            case "ns/op" -> 1e-3;
            default -> throw new IllegalArgumentException("unexpected JMH unit " + unit);
        };
    }

    // ---- part 4

    private void fanOutPart() throws IOException {
        JsonNode fan = json("fanout.json");
        md.append("\n### 4. SSE fan-out: one operation, N subscribers\n\n");
        if (fan == null || !fan.path("available").asBoolean()) {
            md.append("Not measured: the service has no progress API yet.\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "%d steps, one every %d ms; subscribers spread over API keys, %d per key (the default streams per principal). "
                + "Delay of each step's `progress` event at each subscriber: from the writer's request, and from the event's "
                + "own `time` (the service's clock, same machine).%n%n", fan.get("steps").asInt(),
                fan.get("intervalMs").asInt(), fan.get("subscribersPerKey").asInt()));
        md.append("| subscribers | connected | delivered / expected | p50 ms (request) | p99 ms (request) | max ms | p50 ms (event time) "
                + "| p99 ms (event time) | service p99 ms, at most |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (JsonNode run : fan.get("runs")) {
            JsonNode a = run.get("fromRequest");
            JsonNode b = run.get("fromEventTime");
            md.append("| ").append(run.get("subscribers").asInt()).append(" | ").append(run.get("subscribed").asInt())
                    .append(" | ").append(run.get("delivered").asLong()).append(" / ").append(run.get("expected").asLong())
                    .append(" | ").append(ms(a.path("p50Ms").asDouble(Double.NaN))).append(" | ")
                    .append(ms(a.path("p99Ms").asDouble(Double.NaN))).append(" | ").append(ms(a.path("maxMs").asDouble(Double.NaN)))
                    .append(" | ").append(ms(b.path("p50Ms").asDouble(Double.NaN))).append(" | ")
                    .append(ms(b.path("p99Ms").asDouble(Double.NaN))).append(" | ")
                    .append(run.has("serviceLag") ? ms(run.get("serviceLag").get("p99AtMostMs").asDouble()) : "–").append(" |\n");
            if (run.get("subscribers").asInt() == 1_000) {
                double p99 = b.path("p99Ms").asDouble(Double.NaN);
                boolean all = run.get("subscribed").asInt() == 1_000 && run.get("delivered").asLong() == run.get("expected").asLong();
                verdicts.add(String.format(Locale.ROOT, "Ours: 1,000 SSE subscribers all connect and receive every event, delivery p99 "
                        + "under 50 ms from the event's time: %s (%d connected, %d / %d delivered, p99 %s ms%s).",
                        all && p99 < 50 ? "met" : "**missed**", run.get("subscribed").asInt(), run.get("delivered").asLong(),
                        run.get("expected").asLong(), ms(p99), run.has("serviceLag")
                                ? "; the service's own p99, to the frame handed to the connection, at most " + ms(run.get("serviceLag").get("p99AtMostMs").asDouble()) + " ms"
                                : ""));
            }
        }
        md.append("\nThe last column is the service's own histogram (`progress_delivery_seconds`, from the event's time to its frame "
                + "handed to the connection), read before and after the run: the bound of the bucket "
                + "holding the p99 (buckets 1, 2, 5, 10, 25, 50, 100, 250 ms …). The subscribers' columns add the harness's own "
                + "event loop, which reads every connection in turn.\n");
    }

    // ---- part 6

    /** How our side's warm-up went: rounds of every mode until the service's JIT settled (TaskCycle.warmUp). */
    private static String taskWarmUp(JsonNode ours) {
        if (!ours.has("warmupTasks")) {
            return "none";
        }
        if (!ours.has("warmupRounds")) {
            return num(ours.get("warmupTasks").asDouble()) + " tasks per mode";
        }
        return String.format(Locale.ROOT, "%d rounds of %s tasks per mode, %.0f s, until the service's JIT compiler worked "
                + "less than %.0f %% of a round: %s", ours.path("warmupRounds").asInt(), num(ours.path("warmupTasks").asDouble()),
                ours.path("warmupTotalSeconds").asDouble(), 100 * ours.path("settledShare").asDouble(0.03),
                ours.path("jitSettled").asBoolean() ? "settled" : "**not settled**");
    }

    private void tasksPart() throws IOException {
        JsonNode ours = json("tasks.json");
        JsonNode peer = json("bullmq.json");
        md.append("\n### 6. Task queue: enqueue, claim, complete, against BullMQ\n\n");
        if (ours == null || !ours.path("available").asBoolean()) {
            md.append("Not run.\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "Ours through the service (`bench.tasks.TaskCycle`: one producer, %d workers, "
                + "the harness's one event loop); BullMQ %s (`bench/bullmq/cycle.mjs`: a Node producer and a `Worker` of "
                + "concurrency %d) on the same Redis, right after. Each figure runs from the first enqueue to the last "
                + "completion of %s tasks, after an unmeasured warm-up of each mode on both sides (ours: %s). Unbatched: one task per enqueue and per claim; \"complete claims the next\": the same, "
                + "with each complete asking for the worker's next task (`next`), as BullMQ's worker does in the call that "
                + "finishes a job; batched: ours enqueues 100 per "
                + "request and claims 32, completing each on its own; BullMQ adds 100 per `addBulk` (its workers take one "
                + "job at a time: batches are a paid feature).%n%n", ours.get("workers").asInt(),
                peer == null ? "(not run)" : peer.path("version").asText(), peer == null ? 8 : peer.path("concurrency").asInt(),
                num(ours.path("unbatched").path("tasks").asDouble()), taskWarmUp(ours)));
        md.append("| cycle | ours tasks/s | BullMQ tasks/s | ours / BullMQ | our errors | Redis CPU µs per task, ours / BullMQ "
                + "| script calls per task, ours / BullMQ | the service's CPU µs per task |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String mode : List.of("unbatched", "handover", "batched")) {
            if (ours.path(mode).isMissingNode()) {
                continue;
            }
            // BullMQ's unbatched worker already takes its next job in the call that finishes one.
            String peerMode = mode.equals("handover") ? "unbatched" : mode;
            double us = ours.path(mode).path("tasksPerSecond").asDouble(Double.NaN);
            double them = peer == null ? Double.NaN : peer.path(peerMode).path("tasksPerSecond").asDouble(Double.NaN);
            JsonNode theirs = peer == null ? Api.JSON.createObjectNode() : peer.path(peerMode);
            md.append("| ").append(mode.equals("handover") ? "unbatched, complete claims the next" : mode).append(" | ").append(num(us)).append(" | ").append(num(them)).append(" | ")
                    .append(ratio(us / them)).append(" | ").append(ours.path(mode).path("errors").asInt()).append(" | ")
                    .append(decimal(ours.path(mode).path("redisCpuMicrosPerTask"))).append(" / ")
                    .append(decimal(theirs.path("redisCpuMicrosPerTask"))).append(" | ")
                    .append(decimal(ours.path(mode).path("scriptCallsPerTask"))).append(" / ")
                    .append(decimal(theirs.path("scriptCallsPerTask"))).append(" | ")
                    .append(decimal(ours.path(mode).path("serviceCpuMicrosPerTask"))).append(" |\n");
            if (!Double.isNaN(them)) {
                boolean unbatched = !mode.equals("batched");
                boolean met = unbatched ? us >= 0.5 * them : us > them;
                verdicts.add(String.format(Locale.ROOT, "Ours: task cycle %s %s BullMQ: %s (%s: %s vs %s tasks/s).",
                        mode.equals("handover") ? "unbatched with each complete claiming the next" : mode,
                        unbatched ? "at least 0.5 ×" : "ahead of", met ? "met" : "**missed**", ratio(us / them), num(us), num(them)));
            }
        }
        JsonNode lat = ours.path("claimLatency");
        JsonNode peerLat = peer == null ? null : peer.path("claimLatency");
        md.append(String.format(Locale.ROOT, "%nFrom a producer's send to a waiting worker's receipt, one task every few ms "
                + "(ours: long-polling claims, `waitSeconds` 20; BullMQ: its worker's blocking wait), %d tasks:%n%n", lat.path("count").asInt()));
        md.append("| | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: |\n");
        md.append("| ours | ").append(ms(lat.path("p50Ms").asDouble())).append(" | ").append(ms(lat.path("p99Ms").asDouble()))
                .append(" | ").append(ms(lat.path("maxMs").asDouble())).append(" |\n");
        if (peerLat != null && !peerLat.isMissingNode()) {
            md.append("| BullMQ | ").append(ms(peerLat.path("p50Ms").asDouble())).append(" | ").append(ms(peerLat.path("p99Ms").asDouble()))
                    .append(" | ").append(ms(peerLat.path("maxMs").asDouble())).append(" |\n");
        }
        JsonNode mem = ours.path("memory");
        JsonNode peerMem = peer == null ? null : peer.path("memory");
        md.append(String.format(Locale.ROOT, "%nRedis memory (growth of `used_memory` over %d tasks, divided by their number); "
                + "finished tasks are kept by both, ours for the status ttl (24 h), BullMQ's until removed:%n%n", mem.path("count").asInt()));
        md.append("| | per waiting task | per finished task |\n| --- | ---: | ---: |\n");
        md.append("| ours | ").append(num(mem.path("perWaitingBytes").asDouble())).append(" bytes | ")
                .append(num(mem.path("perFinishedBytes").asDouble())).append(" bytes |\n");
        if (peerMem != null && !peerMem.isMissingNode()) {
            md.append("| BullMQ | ").append(num(peerMem.path("perWaitingBytes").asDouble())).append(" bytes | ")
                    .append(num(peerMem.path("perFinishedBytes").asDouble())).append(" bytes |\n");
        }
    }

    /** The text, or "none" for an empty one. */
    private static String orNone(String text) {
        return text.isEmpty() ? "none" : text;
    }

    /** One decimal, or a dash for a figure the run did not produce. */
    private static String decimal(JsonNode figure) {
        return figure.isNumber() ? String.format(Locale.ROOT, "%.1f", figure.asDouble()) : "–";
    }

    // ---- part 5

    private void memoryPart() throws IOException {
        md.append("\n### 5. Memory\n\n");
        Map<String, Long> peak = new LinkedHashMap<>();
        for (Sample sample : samples()) {
            String phase = sample.phase().split(" ")[0];
            if (List.of("warmup", "saturate", "steady", "low", "raw").contains(phase)) {
                phase = "http";
            }
            peak.merge(phase, sample.rssKb(), Math::max);
        }
        md.append("| measure | value |\n| --- | ---: |\n");
        if (meta.containsKey("rssStarted")) {
            md.append("| service RSS after start, idle (`VmRSS`) | ").append(mib(Long.parseLong(meta.getProperty("rssStarted"))))
                    .append(" |\n");
        }
        Map<String, String> phases = Map.of("http", "service RSS, peak under HTTP load", "fanout", "service RSS, peak during SSE fan-out",
                "memory", "service RSS, peak while writing the memory probe's objects");
        peak.forEach((phase, kb) -> {
            if (phases.containsKey(phase)) {
                md.append("| ").append(phases.get(phase)).append(" | ").append(mib(kb)).append(" |\n");
            }
        });
        JsonNode mem = json("memory.json");
        if (mem != null) {
            int n = mem.get("count").asInt();
            row("cache entry of 256 bytes: `MEMORY USAGE … SAMPLES 0` of its hash", mem.get("cacheEntryMemoryUsage").asLong());
            row("cache entry: growth of `used_memory` per entry over " + n + " (with its index entries)",
                    mem.get("cacheEntryMarginal").asDouble());
            row("session: `MEMORY USAGE` of its hash", mem.get("sessionMemoryUsage").asLong());
            row("session: growth of `used_memory` per session over " + n + " (with its user's indexes)",
                    mem.get("sessionMarginal").asDouble());
            row("rate limit identifier, three windows: `MEMORY USAGE` of its hash", mem.get("rateLimitMemoryUsage").asLong());
            row("rate limit identifier: growth of `used_memory` per identifier over " + n, mem.get("rateLimitMarginal").asDouble());
            md.append("\nKeys measured: `").append(mem.get("cacheEntryKey").asText()).append("`, `")
                    .append(mem.get("sessionKey").asText()).append("`, `").append(mem.get("rateLimitKey").asText())
                    .append("` (policy of 10/min, 100/h, 1,000/day, as in the figure above).\n");
        }
    }

    private void row(String what, double bytes) {
        md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, "%,.0f bytes", bytes)).append(" |\n");
    }

    /** One line of rss.log: the phase, the service's RSS, CPU ticks of service and Redis, busy and total ticks of the machine. */
    private record Sample(String phase, long rssKb, long service, long redis, long busy, long total) {
    }

    private List<Sample> samples() throws IOException {
        List<Sample> samples = new ArrayList<>();
        Path log = dir.resolve("rss.log");
        if (!Files.exists(log)) {
            return samples;
        }
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split("\t");
            try {
                samples.add(new Sample(f[0], Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim()), Long.parseLong(f[3].trim()),
                        Long.parseLong(f[4].trim()), Long.parseLong(f[5].trim())));
            } catch (RuntimeException e) {
                // a line cut short as the service stopped
            }
        }
        return samples;
    }

    /** Cores used by the service and by Redis, and the machine's busy share, over the samples of one phase. */
    private double[] cpu(String phase) throws IOException {
        long service = 0;
        long redis = 0;
        long busy = 0;
        long total = 0;
        List<Sample> samples = samples();
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            if (a.phase().equals(phase) && b.phase().equals(phase)) {
                service += b.service() - a.service();
                redis += b.redis() - a.redis();
                busy += b.busy() - a.busy();
                total += b.total() - a.total();
            }
        }
        if (total == 0) {
            return null;
        }
        double cores = Double.parseDouble(meta.getProperty("cores"));
        double wallTicks = total / cores; // /proc/stat counts every core's ticks
        return new double[] {service / wallTicks, redis / wallTicks, (double) busy / total};
    }

    // ---- helpers

    private String otlp() throws IOException {
        Path p = dir.resolve("otlp.txt");
        if (!Files.exists(p)) {
            return "no exports recorded";
        }
        String[] v = Files.readString(p).trim().split(" ");
        return String.format(Locale.ROOT, "the sink received %s exports, %s", num(Double.parseDouble(v[0])),
                mib(Long.parseLong(v[1]) / 1024));
    }

    private String cores() {
        return meta.getProperty("cores");
    }

    private JsonNode json(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) && Files.size(p) > 0 ? Api.JSON.readTree(p.toFile()) : null;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String times(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.1f×", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String mib(long kb) {
        return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
    }
}
