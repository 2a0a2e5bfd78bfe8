package bench.http;

import bench.Args;
import bench.redis.RawRedis;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 8 of the benchmark: the near cache. Cache GET (hit) on an instance with the near cache on and
 * on one with it off, the HTTP floor (a 401 before any Redis call) on the first, and raw Redis
 * {@code GET} of 256 bytes (redis-benchmark, 50 clients), measured in turns on one Redis: rounds of
 * closed loop with wrk, each round starting with the next measurement; medians of the rounds after the
 * first ones. Then the near-cached GET and the floor at a constant half of the near-cached GET's
 * median rate with the harness's own generator, for their p99 (after 2 s at that rate, unmeasured). Last, the memory an entry held by the
 * near cache costs: the instance's live heap after a full GC (jcmd), before and after reading
 * {@code --memory-entries} distinct entries through it.
 *
 * <p>Options: {@code --near}, {@code --direct} (the two instances' base URLs), {@code --near-pid}
 * (for jcmd), {@code --admin-key}, {@code --redis-port}, {@code --script} (for {@link RawRedis}),
 * {@code --redis-requests} per raw round, {@code --warmup}, {@code --rounds}, {@code --discard},
 * {@code --seconds}, {@code --low-seconds}, {@code --memory-entries}, {@code --work-dir}, {@code --out}.
 */
public final class NearCacheComparison {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private NearCacheComparison() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI near = URI.create(args.get("near"));
        URI direct = URI.create(args.get("direct"));
        int rounds = args.integer("rounds", 6);
        int discard = args.integer("discard", 2);
        int seconds = args.integer("seconds", 3);
        int warmup = args.integer("warmup", 6);
        int lowSeconds = args.integer("low-seconds", 6);
        int redisRequests = args.integer("redis-requests", 100_000);
        Api api = new Api(direct.toString());
        String key = Fixture.createKey(api, args.get("admin-key"), "near", Fixture.PROJECT);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            api.sendPatiently("PUT", "/v1/projects/" + Fixture.PROJECT + "/cache/n:" + i, key, "{\"value\":" + Fixture.VALUE_JSON + "}")
                    .expectOk("writing an entry");
            names.add("n:" + i);
        }
        List<Operation> operations = Operation.all(new Fixture(key, names, List.of(), List.of()));
        Operation get = operations.stream().filter(op -> op.name().startsWith("cache GET")).findFirst().orElseThrow();
        Operation floor = operations.stream().filter(op -> op.name().equals(Operation.FLOOR)).findFirst().orElseThrow();
        RawRedis raw = new RawRedis(args.integer("redis-port", 6379), Path.of(args.get("script")));

        Wrk wrk = new Wrk(Path.of(args.get("work-dir")), 1, 50);
        Map<String, Runnable> measurements = new LinkedHashMap<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        measurements.put("cache GET, near cache on", () -> rates.get("cache GET, near cache on").add(wrk(wrk, get, near, key, seconds)));
        measurements.put("cache GET, near cache off", () -> rates.get("cache GET, near cache off").add(wrk(wrk, get, direct, key, seconds)));
        measurements.put(Operation.FLOOR, () -> rates.get(Operation.FLOOR).add(wrk(wrk, floor, near, key, seconds)));
        measurements.put("raw Redis GET", () -> rates.get("raw Redis GET").add(redis(raw, redisRequests)));
        measurements.keySet().forEach(name -> rates.put(name, new ArrayList<>()));

        System.out.printf("warming up %d s each%n", warmup);
        wrk.run(get, near, key, warmup);
        wrk.run(get, direct, key, warmup);
        wrk.run(floor, near, key, warmup);
        List<String> order = new ArrayList<>(measurements.keySet());
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < order.size(); k++) {
                String name = order.get((r + k) % order.size());
                measurements.get(name).run();
                List<Double> done = rates.get(name);
                System.out.printf("round %d, %s: %.0f requests/s%n", r + 1, name, done.get(done.size() - 1));
            }
        }

        ObjectNode out = Api.JSON.createObjectNode();
        out.put("rounds", rounds).put("discarded", discard).put("seconds", seconds).put("warmupSeconds", warmup)
                .put("generator", wrk.describe()).put("redisRequests", redisRequests);
        ArrayNode list = out.putArray("measurements");
        Map<String, Double> medians = new LinkedHashMap<>();
        rates.forEach((name, values) -> {
            double median = Variants.median(values.subList(Math.min(discard, values.size() - 1), values.size()));
            medians.put(name, median);
            ObjectNode m = list.addObject();
            m.put("name", name).put("medianRps", median);
            ArrayNode all = m.putArray("rps");
            values.forEach(all::add);
        });

        // Half load, constant rate: p99 of the near-cached GET and of the floor, by the same generator.
        double half = medians.get("cache GET, near cache on") / 2;
        ObjectNode low = out.putObject("halfLoad");
        low.put("rate", half).put("seconds", lowSeconds);
        for (var target : List.of(Map.entry("cache GET, near cache on", get), Map.entry(Operation.FLOOR, floor))) {
            try (Paced paced = new Paced(near.getHost(), near.getPort(), 50, key)) {
                // Unmeasured first: the generator's own code and its fresh connections are cold (wrk ran the rounds), and
                // charged the first half second's answers up to 26 ms that neither the service nor the floor owed.
                paced.constantRate(target.getValue(), half, 2);
                Paced.Result result = paced.constantRate(target.getValue(), half, lowSeconds);
                low.putObject(target.getKey()).put("p50Ms", result.latency.getValueAtPercentile(50) / 1000.0)
                        .put("p99Ms", result.latency.getValueAtPercentile(99) / 1000.0).put("ok", result.ok)
                        .put("errors", result.unexpected + result.failed);
                System.out.printf("%s at %.0f/s: p50 %.3f ms, p99 %.3f ms (%d errors); answers over 5 ms: %s%n", target.getKey(), half,
                        result.latency.getValueAtPercentile(50) / 1000.0, result.latency.getValueAtPercentile(99) / 1000.0,
                        result.unexpected + result.failed, result.slowTenths(5_000, 20));
                ((ObjectNode) low.get(target.getKey())).put("slowTenths", result.slowTenths(5_000, 20));
            }
        }

        // Memory per entry held: live heap after a full GC, before and after filling the near cache.
        String pid = args.get("near-pid");
        int entries = args.integer("memory-entries", 20_000);
        long before = liveHeapKb(pid);
        for (int i = 0; i < entries; i++) {
            api.sendPatiently("PUT", "/v1/projects/" + Fixture.PROJECT + "/cache/m:" + i, key, "{\"value\":" + Fixture.VALUE_JSON + "}")
                    .expectOk("writing an entry");
        }
        long written = liveHeapKb(pid);
        Api nearApi = new Api(near.toString());
        for (int i = 0; i < entries; i++) {
            nearApi.sendPatiently("GET", "/v1/projects/" + Fixture.PROJECT + "/cache/m:" + i, key, null).expectOk("reading an entry");
        }
        long filled = liveHeapKb(pid);
        double perEntry = (filled - written) * 1024.0 / entries;
        out.putObject("memory").put("entries", entries).put("valueBytes", Fixture.VALUE_JSON.length())
                .put("heapBeforeKb", before).put("heapAfterWritesKb", written).put("heapFilledKb", filled)
                .put("bytesPerEntry", perEntry);
        System.out.printf("memory: %d entries of %d-byte values held: %.0f bytes each (live heap %d kB, then %d kB)%n",
                entries, Fixture.VALUE_JSON.length(), perEntry, written, filled);
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    private static double wrk(Wrk wrk, Operation op, URI base, String key, int seconds) {
        try {
            Wrk.Result result = wrk.run(op, base, key, seconds);
            if (result.unexpected() + result.failed() > 0) {
                System.out.printf("  %d unexpected answers, %d failures%n", result.unexpected(), result.failed());
            }
            return result.rate();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double redis(RawRedis raw, int requests) {
        try {
            return RawRedis.rps(raw.measure("GET", requests));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The heap in use right after a full GC of the process, in kB ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    private static long liveHeapKb(String pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(String pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", pid, command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
