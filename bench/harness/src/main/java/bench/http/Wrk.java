package bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop saturation with wrk (C, epoll, one thread per core it is given), which the harness's
 * former generator (a Vert.x client) could not match: against the service's HTTP floor it did a third
 * of wrk's rate, so it measured itself. Each operation's requests go to a data file that {@code operation.lua} formats once
 * and sends in turn; the script and data files stay in the work directory, so a run can be repeated by
 * hand with the command line in {@code wrk.log}.
 */
public final class Wrk {

    private final Path dir;
    private final Path script;
    private final int threads;
    private final int connections;
    private final Map<String, Path> data = new HashMap<>();

    /** Copies the Lua script into {@code dir}; {@code threads} wrk threads share {@code connections} keep-alive connections. */
    public Wrk(Path dir, int threads, int connections) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.threads = threads;
        this.connections = connections;
        this.script = dir.resolve("operation.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("/wrk/operation.lua")) {
            Files.write(script, in.readAllBytes());
        }
    }

    /** How the generator runs, for the report: version, threads and connections. */
    public String describe() {
        return version() + " -t" + threads + " -c" + connections;
    }

    public int connections() {
        return connections;
    }

    /** wrk's version as it prints it ("wrk 4.1.0"), or "wrk" when it prints none. */
    public static String version() {
        try {
            Process p = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor();
            // "wrk debian/4.1.0-3+b2 [epoll] Copyright ...": keep the name and version
            String[] words = first.split(" ");
            return words.length > 1 ? "wrk " + words[1].replaceFirst("^.*/", "") : "wrk";
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not on the PATH (bench/run installs it: apt-get install wrk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wrk";
        }
    }

    /**
     * What one wrk run measured. {@code ok} counts answers with a status the operation expects,
     * {@code unexpected} the others, {@code failed} socket errors and timeouts; latencies are wrk's
     * own (closed loop: from each send, so they understate a stall, unlike the constant-rate phases).
     */
    public record Result(long ok, long unexpected, long failed, double seconds, double p50Ms, double p99Ms, double maxMs,
            String firstError) {

        public double rate() {
            return ok / seconds;
        }
    }

    /** {@code op}'s requests against {@code base} for {@code seconds}, with {@code key} when the operation is authenticated. */
    public Result run(Operation op, URI base, String key, long seconds) throws IOException, InterruptedException {
        Path requests = data.computeIfAbsent(op.name(), name -> write(op));
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "-s", script.toString(), base.toString(), "--", op.method().name(), op.authenticated() ? key : "-",
                requests.toString());
        Files.writeString(dir.resolve("wrk.log"), "$ " + String.join(" ", command) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        // Output to a file, not a pipe: a wrk that hangs is then stopped by the timeout, not waited for forever.
        Path output = dir.resolve("last-run.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not end within " + (seconds + 30) + " s");
        }
        String out = Files.readString(output);
        Files.writeString(dir.resolve("wrk.log"), out + "\n", StandardOpenOption.APPEND);
        String line = out.lines().filter(l -> l.startsWith("wrk-result ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no result (exit " + p.exitValue() + "):\n" + out));
        Map<String, Long> v = new HashMap<>();
        for (String pair : line.substring("wrk-result ".length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            v.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        long total = v.get("requests");
        long outside2xx = v.get("non2xx");
        // wrk tells only whether a status was 2xx/3xx: enough, as every operation expects either only such
        // statuses or (the floor) only a 401, which the constant-rate phases then check status by status.
        boolean expectsSuccess = op.expected().stream().allMatch(s -> s < 400);
        long ok = expectsSuccess ? total - outside2xx : outside2xx;
        long unexpected = total - ok;
        long failed = v.get("connect") + v.get("read") + v.get("write") + v.get("timeout");
        String firstError = unexpected > 0 ? unexpected + " answers " + (expectsSuccess ? "outside 2xx/3xx" : "in 2xx/3xx")
                : failed > 0 ? failed + " socket errors or timeouts" : null;
        return new Result(ok, unexpected, failed, v.get("duration_us") / 1e6, v.get("p50_us") / 1000.0,
                v.get("p99_us") / 1000.0, v.get("max_us") / 1000.0, firstError);
    }

    /** One request a line: path, then a tab and the body when there is one. */
    private Path write(Operation op) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < op.uris().size(); i++) {
            String uri = op.uris().get(i);
            String body = op.bodies().get(i) == null ? null : op.bodies().get(i).toString(StandardCharsets.UTF_8);
            if (uri.matches(".*[\t\n\r].*") || body != null && body.matches("(?s).*[\t\n\r].*")) {
                throw new IllegalArgumentException("a request of " + op.name() + " holds a tab or a line break");
            }
            lines.append(uri);
            if (body != null) {
                lines.append('\t').append(body);
            }
            lines.append('\n');
        }
        Path file = dir.resolve(op.name().replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "") + ".txt");
        try {
            Files.writeString(file, lines);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }
}
