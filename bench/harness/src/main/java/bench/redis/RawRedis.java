package bench.redis;

import bench.Args;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling: raw Redis under redis-benchmark (50 clients, no pipelining) for the command each
 * HTTP operation stands on: {@code GET} and {@code SET} of 256 bytes, and {@code EVALSHA} of the
 * service's rate limit script called as {@code RedisRateLimitRepository} calls it (KEYS[1] the
 * identifier's hash; now, cost, TTL, then window and capacity pairs: two windows that never deny,
 * over 10,000 identifiers).
 *
 * <p>As a program (part 1): {@code --port}, {@code --script} (ratelimit_check.lua),
 * {@code --requests} per command, {@code --out} (redis-benchmark's CSV lines).
 */
public final class RawRedis {

    /** The commands, by the name the HTTP operations refer to them with. */
    public static final List<String> COMMANDS = List.of("SET", "GET", "EVALSHA");

    private final int port;
    private final String sha;

    /** Loads the script into the Redis on {@code port}. */
    public RawRedis(int port, Path script) throws IOException, InterruptedException {
        this.port = port;
        this.sha = run(List.of("redis-cli", "-p", Integer.toString(port), "SCRIPT", "LOAD",
                Files.readString(script))).trim();
        if (!sha.matches("[0-9a-f]{40}")) {
            throw new IllegalStateException("SCRIPT LOAD answered " + sha);
        }
        // GET must find values: write the 10,000 keys it reads.
        measure("SET", 20_000);
    }

    /** One run of {@code requests} of the command; its CSV line (test, rps, avg, min, p50, p95, p99, max in ms). */
    public String measure(String command, int requests) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port), "-c", "50",
                "-n", Integer.toString(requests), "-r", "10000", "--csv"));
        switch (command) {
            case "GET", "SET" -> line.addAll(List.of("-d", "256", "-t", command.toLowerCase()));
            case "EVALSHA" -> line.addAll(List.of("EVALSHA", sha, "1", "rb:{p:bench}:rl:bench:user:__rand_int__",
                    Long.toString(System.currentTimeMillis()), "1", "7200000", "60", "1000000000", "3600", "1000000000"));
            default -> throw new IllegalArgumentException("no raw equivalent named " + command);
        }
        for (String out : run(line).split("\n")) {
            if (out.startsWith("\"") && !out.startsWith("\"test\"")) {
                return out.trim();
            }
        }
        throw new IllegalStateException("redis-benchmark printed no result for " + command);
    }

    /** Requests per second in a CSV line of {@link #measure}. */
    public static double rps(String csv) {
        return Double.parseDouble(csv.split(",")[1].replace("\"", ""));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
        return out;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        RawRedis redis = new RawRedis(Integer.parseInt(args.get("port")), Path.of(args.get("script")));
        int requests = args.integer("requests", 300_000);
        StringBuilder csv = new StringBuilder("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
                + "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n");
        for (String command : COMMANDS) {
            String line = redis.measure(command, requests);
            System.out.println(line);
            csv.append(line).append('\n');
        }
        Files.writeString(Path.of(args.get("out")), csv.toString());
    }
}
