package support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis for tests, started by the tests themselves on a free loopback port.
 *
 * <p>Where it comes from, in order: {@code REDIS_URL} when set (a server someone else runs: the
 * tests use it but cannot stop it); else the {@code redis-server} on the PATH; else the binary
 * that the {@code com.github.codemonstur:embedded-redis} package ships. The two last run as a
 * child process that a test can stop, restart on the same port, or freeze with SIGSTOP.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String executable;
    private final int port;
    private final Path dataDir;
    private final URI external;
    private Process process;

    private RedisServer(String executable, int port, Path dataDir, URI external) {
        this.executable = executable;
        this.port = port;
        this.dataDir = dataDir;
        this.external = external;
    }

    /** A new server on a free port (or the REDIS_URL server); persistence on, so a restart keeps data. */
    public static RedisServer start() {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url);
            return new RedisServer(null, uri.getPort() < 0 ? 6379 : uri.getPort(), null, uri);
        }
        return startFrom(System.getenv().getOrDefault("PATH", ""));
    }

    /**
     * A new server of this test's own on a free port, never the REDIS_URL server, with extra
     * {@code settings} after the usual ones (e.g. {@code "--cluster-enabled", "yes"}).
     */
    public static RedisServer startOwn(String... settings) {
        return startFrom(System.getenv().getOrDefault("PATH", ""), settings);
    }

    /** A new server from the first {@code redis-server} on {@code searchPath}, else from the Maven package. */
    static RedisServer startFrom(String searchPath, String... settings) {
        try {
            RedisServer server = new RedisServer(executable(searchPath), freePort(), Files.createTempDirectory("redis-test"), null);
            server.launch(settings);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a Redis for the tests", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** The connection string, e.g. {@code redis://127.0.0.1:41234}. */
    public String url() {
        return external != null ? external.toString() : "redis://127.0.0.1:" + port;
    }

    /** False for a REDIS_URL server: the tests may not stop what they did not start. */
    public boolean isControllable() {
        return external == null;
    }

    /** Stops the server; with {@code save} it writes its data to disk first, so {@link #restart()} restores it. */
    public void stop(boolean save) {
        requireControllable();
        try {
            command(save ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE");
        } catch (IOException expected) {
            // SHUTDOWN closes the connection instead of answering.
        }
        process.onExit().join();
    }

    /** Starts the server again on the same port, with the data it saved when stopped. */
    public void restart() {
        restart(new String[0]);
    }

    /**
     * Starts the server again on the same port with extra {@code settings} after the usual ones
     * (a later setting wins), e.g. {@code "--appendonly", "yes"} to load what its AOF holds.
     */
    public void restart(String... settings) {
        requireControllable();
        launch(settings);
    }

    /** Kills the process (SIGKILL): no save, no flush, as in a crash. */
    public void kill() {
        signal("KILL");
        process.onExit().join();
    }

    /** Freezes the process (SIGSTOP): connections stay open and nothing answers, like a hung server. */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a paused process (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    /** Sends one inline command and returns the first reply line, e.g. {@code +PONG}. */
    public String command(String inline) throws IOException {
        URI uri = URI.create(url());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() == 0) {
                throw new IOException("connection closed without a reply");
            }
            return line.toString();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.onExit().join();
        }
    }

    private void launch(String... settings) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of(executable,
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dataDir.toString(), "--save", "", "--appendonly", "no",
                    "--dbfilename", "dump.rdb", "--protected-mode", "no"));
            command.addAll(List.of(settings));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable, e);
        }
        Awaitility.await("redis-server on port " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited: " + Files.readString(dataDir.resolve("redis.log")));
                    }
                    // A server that asks for a password first (requirepass) answers too.
                    String reply = command("PING");
                    return reply.equals("+PONG") || reply.startsWith("-NOAUTH");
                });
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    private void signal(String signal) {
        requireControllable();
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to redis-server", e);
        }
    }

    private void requireControllable() {
        if (!isControllable()) {
            throw new IllegalStateException("REDIS_URL points at a server these tests did not start");
        }
    }

    static String executable(String searchPath) throws IOException {
        Optional<String> onPath = List.of(searchPath.split(File.pathSeparator)).stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
        if (onPath.isPresent()) {
            return onPath.get();
        }
        File shipped = ExecutableProvider.newJarResourceProvider().get();
        shipped.setExecutable(true);
        return shipped.getAbsolutePath();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
