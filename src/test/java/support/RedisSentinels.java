package support;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Redis with Sentinel, of this test's own, on loopback: one master, one replica and three sentinels
 * that fail over after one second without an answer. The master can be killed to make them promote
 * the replica.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER_NAME = "cache-domain";
    private static final Duration READY = Duration.ofSeconds(30);

    private final RedisServer master;
    private final RedisServer replica;
    private final List<Process> sentinels;
    private final List<Integer> sentinelPorts;

    private RedisSentinels(RedisServer master, RedisServer replica, List<Process> sentinels, List<Integer> sentinelPorts) {
        this.master = master;
        this.replica = replica;
        this.sentinels = sentinels;
        this.sentinelPorts = sentinelPorts;
    }

    /** Starts them all and waits until every sentinel knows the master and its replica. */
    public static RedisSentinels start() {
        RedisServer master = RedisServer.startOwn("--repl-diskless-sync-delay", "0");
        RedisServer replica = RedisServer.startOwn("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        List<Process> sentinels = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            String executable = RedisServer.executable(System.getenv().getOrDefault("PATH", ""));
            for (int i = 0; i < 3; i++) {
                int port = RedisServer.freePort();
                Path dir = Files.createTempDirectory("sentinel");
                Path conf = dir.resolve("sentinel.conf");
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + dir,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 5000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                sentinels.add(new ProcessBuilder(executable, conf.toString(), "--sentinel").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sentinel.log").toFile()).start());
                ports.add(port);
            }
        } catch (IOException e) {
            sentinels.forEach(Process::destroy);
            replica.close();
            master.close();
            throw new IllegalStateException("cannot start the sentinels", e);
        }
        RedisSentinels all = new RedisSentinels(master, replica, sentinels, ports);
        for (int port : ports) {
            Awaitility.await("sentinel on " + port).atMost(READY).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> reply(port, "SENTINEL REPLICAS " + MASTER_NAME).contains("127.0.0.1"));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(all::close));
        return all;
    }

    /** The whole reply of one inline command, as text. */
    private static String reply(int port, String inline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] buffer = new byte[8192];
            int n = socket.getInputStream().read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
        }
    }

    /** The sentinels' connection strings, comma-separated, as {@code quarkus.redis.hosts} takes them. */
    public String sentinelUrls() {
        return String.join(",", sentinelPorts.stream().map(port -> "redis://127.0.0.1:" + port).toList());
    }

    /** Whether a majority of the sentinels name the replica as the master now. */
    public boolean replicaPromoted() {
        int naming = 0;
        for (int port : sentinelPorts) {
            try {
                if (reply(port, "SENTINEL GET-MASTER-ADDR-BY-NAME " + MASTER_NAME).contains("\r\n" + replica.port() + "\r\n")) {
                    naming++;
                }
            } catch (IOException down) {
                // a sentinel that does not answer does not name it
            }
        }
        return naming >= 2;
    }

    public RedisServer master() {
        return master;
    }

    public RedisServer replica() {
        return replica;
    }

    /** Client options for the master through the sentinels, with a pool sized for the tests. */
    public RedisOptions options() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER)
                .setMasterName(MASTER_NAME).setMaxPoolSize(32).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000);
        sentinelPorts.forEach(port -> options.addConnectionString("redis://127.0.0.1:" + port));
        return options;
    }

    @Override
    public void close() {
        sentinels.forEach(Process::destroy);
        replica.close();
        master.close();
    }
}
