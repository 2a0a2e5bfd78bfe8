package bench.http;

import bench.Args;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 7 of the benchmark: the same service on each store (embedded, memory, Redis), side by side.
 * Each store's instance gets the same fixture; for each operation (cache GET and PUT, rate limit
 * check, session validate, progress step) short saturation runs (wrk, closed loop) take turns
 * between the instances, round after round, each round starting with the next instance; the median
 * of each instance's rounds (rate, p50, p99) is reported, the first rounds left out; every operation
 * warms up on every instance before the first is measured. Then the
 * embedded store's database growth for 10,000 entries of 256 bytes, from its own size report.
 *
 * <p>Options: {@code --stores} ({@code name=url,…}, the first is the reference the ratios divide by),
 * {@code --embedded} (the name of the embedded instance, for the size measurement), {@code --admin-key},
 * {@code --warmup} (seconds per operation and instance, 4), {@code --rounds} (5), {@code --discard} (1),
 * {@code --seconds} (3), {@code --connections} (50), {@code --work-dir}, {@code --out}.
 */
public final class StoreComparison {

    private static final int SIZE_ENTRIES = 10_000;

    private StoreComparison() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Map<String, URI> stores = new LinkedHashMap<>();
        for (String pair : args.get("stores").split(",")) {
            int eq = pair.indexOf('=');
            stores.put(pair.substring(0, eq), URI.create(pair.substring(eq + 1)));
        }
        int rounds = args.integer("rounds", 5);
        int seconds = args.integer("seconds", 3);
        int warmup = args.integer("warmup", 4);
        int discard = args.integer("discard", 1);
        int connections = args.integer("connections", 50);
        String admin = args.get("admin-key");

        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, List<Operation>> operations = new LinkedHashMap<>();
        for (var store : stores.entrySet()) {
            Fixture fixture = Fixture.create(new Api(store.getValue().toString()), admin, 100, 100, 50);
            keys.put(store.getKey(), fixture.key());
            operations.put(store.getKey(), Operation.all(fixture).stream().filter(op -> !op.name().equals(Operation.FLOOR)).toList());
        }
        // One generator per store: each keeps its requests in files by operation, and the fixtures differ (tokens, ids).
        Map<String, Wrk> generators = new LinkedHashMap<>();
        for (String name : stores.keySet()) {
            generators.put(name, new Wrk(Path.of(args.get("work-dir")).resolve(name), args.integer("wrk-threads", 1), connections));
        }
        Wrk wrk = generators.values().iterator().next();
        List<String> names = new ArrayList<>(stores.keySet());
        List<String> opNames = operations.get(names.get(0)).stream().map(Operation::name).toList();

        ObjectNode out = Api.JSON.createObjectNode();
        out.put("rounds", rounds).put("discarded", discard).put("seconds", seconds).put("warmupSeconds", warmup)
                .put("connections", connections).put("generator", wrk.describe()).put("reference", names.get(0));
        ArrayNode results = out.putArray("operations");
        // Every operation warms up on every instance before anything is measured: the first operation measured
        // would otherwise catch each JVM still compiling the paths all of them share.
        for (int o = 0; o < opNames.size(); o++) {
            for (String name : names) {
                System.out.printf("%s on %s: warming up %d s%n", opNames.get(o), name, warmup);
                generators.get(name).run(operations.get(name).get(o), stores.get(name), keys.get(name), warmup);
            }
        }
        for (int o = 0; o < opNames.size(); o++) {
            String opName = opNames.get(o);
            Map<String, List<Wrk.Result>> runs = new LinkedHashMap<>();
            names.forEach(name -> runs.put(name, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get((r + k) % names.size());
                    Wrk.Result result = generators.get(name).run(operations.get(name).get(o), stores.get(name), keys.get(name), seconds);
                    runs.get(name).add(result);
                    System.out.printf("%s, round %d, %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms (%d errors)%n", opName, r + 1,
                            name, result.rate(), result.p50Ms(), result.p99Ms(), result.unexpected() + result.failed());
                }
            }
            ObjectNode op = results.addObject();
            op.put("operation", opName);
            ArrayNode perStore = op.putArray("stores");
            runs.forEach((name, list) -> {
                List<Wrk.Result> kept = list.subList(Math.min(discard, list.size() - 1), list.size());
                perStore.addObject().put("store", name)
                        .put("medianRps", Variants.median(kept.stream().map(Wrk.Result::rate).toList()))
                        .put("p50Ms", Variants.median(kept.stream().map(Wrk.Result::p50Ms).toList()))
                        .put("p99Ms", Variants.median(kept.stream().map(Wrk.Result::p99Ms).toList()))
                        .put("errors", kept.stream().mapToLong(x -> x.unexpected() + x.failed()).sum());
            });
        }
        String embedded = args.get("embedded", "");
        if (!embedded.isEmpty()) {
            out.set("embeddedSize", size(new Api(stores.get(embedded).toString()), admin, keys.get(embedded)));
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** The database's growth for 10,000 new entries of 256 bytes, as the store's own health report gives its size. */
    private static ObjectNode size(Api api, String admin, String key) {
        long before = usedBytes(api, admin);
        for (int i = 0; i < SIZE_ENTRIES; i++) {
            api.sendPatiently("PUT", "/v1/projects/" + Fixture.PROJECT + "/cache/size:" + i, key,
                    "{\"value\":" + Fixture.VALUE_JSON + ", \"ttlSeconds\": 86400}").expectOk("writing size:" + i);
        }
        long after = usedBytes(api, admin);
        ObjectNode size = Api.JSON.createObjectNode();
        size.put("entries", SIZE_ENTRIES).put("valueBytes", 256).put("bytesBefore", before).put("bytesAfter", after)
                .put("bytesPerEntry", (after - before) / (double) SIZE_ENTRIES);
        System.out.printf("embedded store: %d bytes before, %d after %d entries of 256 B: %.1f bytes per entry%n", before, after,
                SIZE_ENTRIES, (after - before) / (double) SIZE_ENTRIES);
        return size;
    }

    private static long usedBytes(Api api, String admin) {
        JsonNode report = api.sendPatiently("GET", "/v1/admin/health", admin, null).expectOk("reading the health report").body();
        return report.get("store").get("memory").get("usedBytes").asLong();
    }
}
