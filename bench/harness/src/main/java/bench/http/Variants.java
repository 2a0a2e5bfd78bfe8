package bench.http;

import bench.Args;
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
 * Part 2b of the benchmark: what the service's own layers cost on a cache GET. Several instances of
 * the service, each with one more layer switched off (tracing, then the {@code api} policy), run
 * side by side on the same Redis; short saturation runs (closed loop, with wrk) take turns between
 * them, round after round, each round starting with the next instance, so a noisy neighbour slows each
 * about equally; the median of each instance's rounds is compared, the first rounds left out: JVMs
 * started together on a busy machine are still compiling after their warm-up.
 *
 * <p>Options: {@code --variants} ({@code name=url,name=url,…}), {@code --admin-key},
 * {@code --warmup} (seconds per instance, 8), {@code --rounds} (6), {@code --discard} (first rounds
 * left out of the median, 2), {@code --seconds} per run (3),
 * {@code --connections} (50), {@code --wrk-threads} (1), {@code --work-dir} (wrk's files), {@code --out};
 * {@code --pids} (the instances' process ids, in the order of {@code --variants}) and {@code --clock-ticks} (the
 * kernel's clock ticks per second) add each instance's CPU per request, from /proc: a measure the neighbours'
 * load disturbs far less than the throughput.
 */
public final class Variants {

    private Variants() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Map<String, URI> variants = new LinkedHashMap<>();
        for (String pair : args.get("variants").split(",")) {
            int eq = pair.indexOf('=');
            variants.put(pair.substring(0, eq), URI.create(pair.substring(eq + 1)));
        }
        int rounds = args.integer("rounds", 6);
        int seconds = args.integer("seconds", 3);
        int warmup = args.integer("warmup", 8);
        int discard = args.integer("discard", 2);
        int connections = args.integer("connections", 50);
        List<Long> pids = new ArrayList<>();
        if (!args.get("pids", "").isBlank()) {
            for (String pid : args.get("pids").split(",")) {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
        if (!pids.isEmpty() && pids.size() != variants.size()) {
            throw new IllegalArgumentException("one pid per variant: " + pids.size() + " pids for " + variants.size() + " variants");
        }
        double clockTicks = args.integer("clock-ticks", 100);
        URI first = variants.values().iterator().next();
        Api api = new Api(first.toString());
        // API keys and entries live in Redis, which every instance shares.
        String key = Fixture.createKey(api, args.get("admin-key"), "variants", Fixture.PROJECT);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            api.sendPatiently("PUT", "/v1/projects/" + Fixture.PROJECT + "/cache/v:" + i, key, "{\"value\":" + Fixture.VALUE_JSON + "}")
                    .expectOk("writing an entry");
            names.add("v:" + i);
        }
        Operation get = Operation.all(new Fixture(key, names, List.of(), List.of())).stream()
                .filter(op -> op.name().startsWith("cache GET")).findFirst().orElseThrow();

        // wrk, as in part 2: a slower generator's own ceiling would flatten the differences it is to show.
        Wrk wrk = new Wrk(Path.of(args.get("work-dir")), args.integer("wrk-threads", 1), connections);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, Long> pidOf = new LinkedHashMap<>();
        List<String> named = new ArrayList<>(variants.keySet());
        for (int i = 0; i < named.size(); i++) {
            rates.put(named.get(i), new ArrayList<>());
            cpu.put(named.get(i), new ArrayList<>());
            if (!pids.isEmpty()) {
                pidOf.put(named.get(i), pids.get(i));
            }
        }
        for (var e : variants.entrySet()) {
            System.out.printf("%s: warming up %d s%n", e.getKey(), warmup);
            wrk.run(get, e.getValue(), key, warmup);
        }
        List<String> order = new ArrayList<>(variants.keySet());
        for (int r = 0; r < rounds; r++) {
            // Each round starts with the next instance, so none is always measured first or last.
            for (int k = 0; k < order.size(); k++) {
                String name = order.get((r + k) % order.size());
                Long pid = pidOf.get(name);
                long ticksBefore = pid == null ? 0 : cpuTicks(pid);
                Wrk.Result result = wrk.run(get, variants.get(name), key, seconds);
                rates.get(name).add(result.rate());
                String perRequest = "";
                if (pid != null && result.ok() > 0) {
                    double micros = (cpuTicks(pid) - ticksBefore) / clockTicks * 1e6 / result.ok();
                    cpu.get(name).add(micros);
                    perRequest = String.format(", %.0f µs of CPU per request", micros);
                }
                System.out.printf("round %d, %s: %.0f requests/s%s (%d errors)%n", r + 1, name, result.rate(), perRequest,
                        result.unexpected() + result.failed());
            }
        }
        ObjectNode out = Api.JSON.createObjectNode();
        out.put("operation", get.name()).put("rounds", rounds).put("discarded", discard).put("seconds", seconds)
                .put("warmupSeconds", warmup).put("connections", connections)
                .put("generator", wrk.describe());
        ArrayNode list = out.putArray("variants");
        rates.forEach((name, values) -> {
            ObjectNode v = list.addObject();
            v.put("name", name).put("medianRps", median(values.subList(Math.min(discard, values.size() - 1), values.size())));
            ArrayNode all = v.putArray("rps");
            values.forEach(all::add);
            List<Double> micros = cpu.get(name);
            if (!micros.isEmpty()) {
                v.put("medianCpuMicros", median(micros.subList(Math.min(discard, micros.size() - 1), micros.size())));
                ArrayNode each = v.putArray("cpuMicros");
                micros.forEach(each::add);
            }
        });
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** The process's user and system CPU time so far, in clock ticks (/proc/PID/stat, fields 14 and 15). */
    static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
