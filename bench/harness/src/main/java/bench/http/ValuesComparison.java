package bench.http;

import bench.Args;
import bench.memory.MemoryProbe;
import bench.values.Documents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Part 9 of the benchmark: values at rest. One instance of the service whose four projects write
 * their values four ways (see {@link #VARIANTS}; bench/run configures them), so that every variant
 * runs in the same JVM, on the same Redis, after the same warm-up. For JSON documents of about 1 KB
 * and 100 KB ({@link Documents}: the same documents in every project): cache GET of prepared entries
 * and cache PUT, closed loop with wrk in rounds that take turns between the variants (each round
 * starting with the next one), with the service's CPU time per request over each run
 * ({@code /proc/<pid>/stat}); then each variant at one constant rate (a fraction of the slowest
 * variant's median) with the harness's own generator, for p99. Before any load, what each variant
 * stores: the stored form of every entry is checked against the variant's settings (the run fails if
 * one differs: a per-project setting that did not apply), and its bytes are measured
 * ({@code HSTRLEN} of the value field and {@code MEMORY USAGE … SAMPLES 0} of the entry's hash).
 *
 * <p>Options: {@code --base}, {@code --pid} (the instance's, for its CPU time), {@code --clock-ticks}
 * ({@code getconf CLK_TCK}), {@code --admin-key}, {@code --redis} (URL), {@code --prefix} (Redis key
 * prefix, {@code cd}), {@code --warmup} (seconds per variant and measurement, 2; 0: none), {@code --rounds} (3),
 * {@code --discard} (0), {@code --seconds} (2), {@code --paced-seconds} (3), {@code --paced-fraction}
 * (0.25), {@code --connections} (50), {@code --work-dir}, {@code --out}.
 */
public final class ValuesComparison {

    /** One way of writing values: the project configured for it, and the stored form its values must have. */
    record Variant(String name, String project, boolean compressed, boolean encrypted, String settings) {

        String expectedForm() {
            return form(compressed, encrypted);
        }
    }

    /** The four ways, plain first (the reference of every ratio); bench/run sets each project's settings. */
    static final List<Variant> VARIANTS = List.of(
            new Variant("plain", "values-plain", false, false, "compression off"),
            new Variant("compressed", "values-zstd", true, false, "the defaults, zstd level 3 from 1 KiB"),
            new Variant("encrypted", "values-aes", false, true, "compression off, AES-256-GCM"),
            new Variant("compressed and encrypted", "values-both", true, true, "zstd level 3 from 1 KiB, then AES-256-GCM"));

    /** A size of value: the least bytes of each document, how many entries GET reads, how many PUT requests are prepared. */
    record Size(String name, int minBytes, int entries, int puts) {
    }

    static final List<Size> SIZES = List.of(new Size("1 KB", 1024, 200, 1000), new Size("100 KB", 100 * 1024, 32, 32));

    private static final long SEED = 20261206L;

    private ValuesComparison() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI base = URI.create(args.get("base"));
        String pid = args.get("pid");
        double clockTicks = args.integer("clock-ticks", 100);
        String prefix = args.get("prefix", "cd");
        int warmup = args.integer("warmup", 2);
        int rounds = args.integer("rounds", 3);
        int discard = args.integer("discard", 0);
        int seconds = args.integer("seconds", 2);
        int pacedSeconds = args.integer("paced-seconds", 3);
        double pacedFraction = args.decimal("paced-fraction", 0.25);
        int connections = args.integer("connections", 50);
        Api api = new Api(base.toString());
        String key = Fixture.createKey(api, args.get("admin-key"), "values",
                VARIANTS.stream().map(Variant::project).toList());

        ObjectNode out = Api.JSON.createObjectNode();
        Wrk wrk = new Wrk(Path.of(args.get("work-dir")), 1, connections);
        out.put("rounds", rounds).put("discarded", discard).put("seconds", seconds).put("warmupSeconds", warmup)
                .put("pacedSeconds", pacedSeconds).put("pacedFraction", pacedFraction).put("connections", connections)
                .put("generator", wrk.describe()).put("seed", SEED);
        ArrayNode variantsOut = out.putArray("variants");
        VARIANTS.forEach(v -> variantsOut.addObject().put("name", v.name()).put("project", v.project()).put("settings", v.settings())
                .put("expectedForm", v.expectedForm()));

        // The documents, the same in every project; written before any load, then checked and measured in Redis.
        Map<Size, List<String>> documents = new LinkedHashMap<>();
        Documents source = new Documents(SEED);
        ArrayNode sizesOut = out.putArray("sizes");
        for (Size size : SIZES) {
            List<String> docs = source.next(size.entries(), size.minBytes());
            documents.put(size, docs);
            double meanBytes = docs.stream().mapToInt(d -> d.getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
            sizesOut.addObject().put("name", size.name()).put("minBytes", size.minBytes()).put("documents", docs.size())
                    .put("meanTextBytes", meanBytes);
            System.out.printf("%s: %d documents, %.0f bytes on average%n", size.name(), docs.size(), meanBytes);
            for (Variant v : VARIANTS) {
                for (int i = 0; i < docs.size(); i++) {
                    api.sendPatiently("PUT", path(v, "g:" + size.minBytes() + ":" + i), key, "{\"value\":" + docs.get(i) + "}")
                            .expectOk("writing an entry of " + v.name());
                }
                JsonNode read = api.sendPatiently("GET", path(v, "g:" + size.minBytes() + ":0"), key, null)
                        .expectOk("reading an entry of " + v.name()).body();
                if (!read.get("value").equals(Api.JSON.readTree(docs.get(0)))) {
                    throw new IllegalStateException(v.name() + ": the value read back differs from the one written");
                }
            }
        }
        out.set("storage", storage(args.get("redis"), prefix, documents));

        ArrayNode measurements = out.putArray("measurements");
        for (Size size : SIZES) {
            List<String> docs = documents.get(size);
            for (String opName : List.of("GET", "PUT")) {
                Map<Variant, Operation> ops = new LinkedHashMap<>();
                for (Variant v : VARIANTS) {
                    String p = "/v1/projects/" + v.project() + "/cache/";
                    ops.put(v, opName.equals("GET")
                            ? Operation.of("values GET " + size.name() + " " + v.project(), HttpMethod.GET, docs.size(),
                                    i -> p + "g:" + size.minBytes() + ":" + i, null, Set.of(200), null, null)
                            : Operation.of("values PUT " + size.name() + " " + v.project(), HttpMethod.PUT, size.puts(),
                                    i -> p + "w:" + size.minBytes() + ":" + i, i -> "{\"value\":" + docs.get(i % docs.size()) + "}",
                                    Set.of(200, 201), null, null));
                }
                measure(measurements, size, opName, ops, wrk, base, key, pid, clockTicks, warmup, rounds, discard, seconds,
                        pacedSeconds, pacedFraction, connections);
            }
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** One size and operation on every variant: warm-up, rounds in turns, then p99 at one constant rate for all. */
    private static void measure(ArrayNode measurements, Size size, String opName, Map<Variant, Operation> ops, Wrk wrk, URI base,
            String key, String pid, double clockTicks, int warmup, int rounds, int discard, int seconds, int pacedSeconds,
            double pacedFraction, int connections) throws IOException, InterruptedException {
        String what = "cache " + opName + " " + size.name();
        for (Variant v : VARIANTS) {
            if (warmup > 0) {
                System.out.printf("%s, %s: warming up %d s%n", what, v.name(), warmup);
                wrk.run(ops.get(v), base, key, warmup);
            }
        }
        Map<Variant, List<Wrk.Result>> runs = new LinkedHashMap<>();
        Map<Variant, List<Double>> cpu = new LinkedHashMap<>();
        VARIANTS.forEach(v -> {
            runs.put(v, new ArrayList<>());
            cpu.put(v, new ArrayList<>());
        });
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < VARIANTS.size(); k++) {
                Variant v = VARIANTS.get((r + k) % VARIANTS.size());
                long before = cpuTicks(pid);
                Wrk.Result result = wrk.run(ops.get(v), base, key, seconds);
                long after = cpuTicks(pid);
                long requests = result.ok() + result.unexpected();
                double micros = requests == 0 ? Double.NaN : (after - before) / clockTicks * 1e6 / requests;
                runs.get(v).add(result);
                cpu.get(v).add(micros);
                System.out.printf("%s, round %d, %s: %.0f requests/s, p99 %.2f ms, %.0f µs CPU per request (%d errors)%n", what,
                        r + 1, v.name(), result.rate(), result.p99Ms(), micros, result.unexpected() + result.failed());
            }
        }
        Map<Variant, Double> medians = new LinkedHashMap<>();
        runs.forEach((v, list) -> medians.put(v, Variants.median(kept(list, discard).stream().map(Wrk.Result::rate).toList())));
        double rate = pacedFraction * medians.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        for (Variant v : VARIANTS) {
            List<Wrk.Result> kept = kept(runs.get(v), discard);
            ObjectNode m = measurements.addObject();
            m.put("size", size.name()).put("operation", opName).put("variant", v.name()).put("medianRps", medians.get(v))
                    .put("wrkP99Ms", Variants.median(kept.stream().map(Wrk.Result::p99Ms).toList()))
                    .put("cpuMicrosPerRequest", Variants.median(kept(cpu.get(v), discard)))
                    .put("errors", kept.stream().mapToLong(x -> x.unexpected() + x.failed()).sum());
            ArrayNode all = m.putArray("rps");
            runs.get(v).forEach(x -> all.add(x.rate()));
            if (pacedSeconds > 0 && rate > 0) {
                try (Paced paced = new Paced(base.getHost(), base.getPort(), connections, key)) {
                    Paced.Result result = paced.constantRate(ops.get(v), rate, pacedSeconds);
                    m.put("pacedRate", rate).put("pacedP50Ms", result.latency.getValueAtPercentile(50) / 1000.0)
                            .put("pacedP99Ms", result.latency.getValueAtPercentile(99) / 1000.0)
                            .put("pacedErrors", result.unexpected + result.failed);
                    System.out.printf("%s, %s at %.0f/s: p50 %.2f ms, p99 %.2f ms (%d errors)%n", what, v.name(), rate,
                            result.latency.getValueAtPercentile(50) / 1000.0, result.latency.getValueAtPercentile(99) / 1000.0,
                            result.unexpected + result.failed);
                }
            }
        }
    }

    /**
     * Per size and variant, over the entries GET reads: the stored form (which must be the variant's),
     * the value field's bytes ({@code HSTRLEN}) and the entry hash's ({@code MEMORY USAGE … SAMPLES 0}).
     */
    private static ArrayNode storage(String redisUrl, String prefix, Map<Size, List<String>> documents) {
        ArrayNode storage = Api.JSON.createArrayNode();
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> text = client.connect();
                StatefulRedisConnection<byte[], byte[]> bytes = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<String, String> redis = text.sync();
            for (var entry : documents.entrySet()) {
                Size size = entry.getKey();
                for (Variant v : VARIANTS) {
                    long valueBytes = 0;
                    long memory = 0;
                    for (int i = 0; i < entry.getValue().size(); i++) {
                        String name = prefix + ":c:{p:" + v.project() + "}:g:" + size.minBytes() + ":" + i;
                        byte[] stored = bytes.sync().hget(name.getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
                        if (stored == null) {
                            throw new IllegalStateException("no value field in " + name + ": has the key layout changed?");
                        }
                        String form = formOf(stored);
                        if (!form.equals(v.expectedForm())) {
                            throw new IllegalStateException(String.format("%s is stored as %s, not %s: did the project's settings "
                                    + "(-Dcache-domain.values.projects.%s.*) apply?", name, form, v.expectedForm(), v.project()));
                        }
                        valueBytes += redis.hstrlen(name, "v");
                        memory += MemoryProbe.memoryUsage(redis, name);
                    }
                    int n = entry.getValue().size();
                    storage.addObject().put("size", size.name()).put("variant", v.name()).put("entries", n)
                            .put("form", v.expectedForm()).put("meanValueBytes", (double) valueBytes / n)
                            .put("meanMemoryUsage", (double) memory / n);
                    System.out.printf("%s, %s: stored as %s, %.0f bytes of value, MEMORY USAGE %.0f bytes on average%n", size.name(),
                            v.name(), v.expectedForm(), (double) valueBytes / n, (double) memory / n);
                }
            }
        } finally {
            client.shutdown();
        }
        return storage;
    }

    /** How a stored value was written, read from its first bytes as the README's "Values at rest" describes them. */
    static String formOf(byte[] stored) {
        if (stored.length == 0 || stored[0] != 0x01) {
            return "text";
        }
        if (stored.length < 2) {
            return "damaged";
        }
        return (stored[1] & ~3) != 0 ? "unknown flags " + stored[1] : form((stored[1] & 1) != 0, (stored[1] & 2) != 0);
    }

    private static String form(boolean compressed, boolean encrypted) {
        return compressed && encrypted ? "zstd, then AES-GCM" : compressed ? "zstd" : encrypted ? "AES-GCM" : "text";
    }

    private static <T> List<T> kept(List<T> all, int discard) {
        return all.subList(Math.min(discard, all.size() - 1), all.size());
    }

    private static String path(Variant v, String name) {
        return "/v1/projects/" + v.project() + "/cache/" + name;
    }

    /** CPU time the process has used, user and system, in clock ticks (fields 14 and 15 of {@code /proc/<pid>/stat}). */
    private static long cpuTicks(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        // The command name, field 2, is in parentheses and may hold spaces: count fields after its closing one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}