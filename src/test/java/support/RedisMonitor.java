package support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The commands a Redis server receives, one line each, as {@code MONITOR} reports them: a client's
 * own commands say {@code [db host:port]}, those a script runs say {@code [db lua]}. Tests only.
 */
public final class RedisMonitor implements AutoCloseable {

    private final RedisServer server;
    private final Socket socket;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private RedisMonitor(RedisServer server) throws IOException {
        this.server = server;
        URI uri = URI.create(server.url());
        socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
        OutputStream out = socket.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        if (!"+OK".equals(in.readLine())) {
            throw new IOException("MONITOR refused");
        }
        reader = new Thread(() -> {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // the monitor was closed
            }
        }, "redis-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    public static RedisMonitor on(RedisServer server) {
        try {
            return new RedisMonitor(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The commands the server received while {@code action} ran: everything after a first marker and
     * before a second one (two {@code ECHO}s from their own connection, so nothing is missed or late).
     */
    public List<String> during(Runnable action) {
        String before = "before-" + UUID.randomUUID();
        String after = "after-" + UUID.randomUUID();
        echo(before);
        readUntil(before);
        action.run();
        echo(after);
        return readUntil(after);
    }

    private void echo(String marker) {
        try {
            server.command("ECHO " + marker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> readUntil(String marker) {
        List<String> seen = new ArrayList<>();
        try {
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("MONITOR never showed " + marker);
                }
                if (line.contains(marker)) {
                    return seen;
                }
                seen.add(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a MONITOR line is a command a script ran, rather than one a client sent. */
    public static boolean fromScript(String line) {
        return line.contains(" lua]");
    }

    /** The command name of a MONITOR line, lower case ({@code evalsha}). */
    public static String command(String line) {
        int start = line.indexOf("] \"") + 3;
        return line.substring(start, line.indexOf('"', start)).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
