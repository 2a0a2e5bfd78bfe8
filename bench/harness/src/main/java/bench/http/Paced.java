package bench.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The harness's own load generator, lean enough not to take the service's share of the cores: one
 * thread, plain NIO, HTTP/1.1 keep-alive connections without pipelining, every request encoded once
 * up front, and only as much response parsing as finding its status and its end takes (the status
 * line, then Content-Length or chunks). The Vert.x client it replaces cost several times more per
 * request, CPU that on this two-core machine the service then lacked to hold half of wrk's rate.
 * <ul>
 * <li>{@link #constantRate}: request {@code i} is due at {@code start + i / rate} whatever happens (as
 * wrk2 does); one that finds no free connection waits for one, and its latency counts from when it was
 * due, not from when it went out, so a stall is charged to every request it delays (no coordinated
 * omission).</li>
 * <li>{@link #closedLoop}: every connection sends its next request as soon as the last one is answered:
 * this generator's own ceiling.</li>
 * </ul>
 */
public final class Paced implements AutoCloseable {

    private final InetSocketAddress address;
    private final String host;
    private final String key;
    private final Selector selector;
    private final Connection[] connections;

    /** What one run measured. Latencies in microseconds. */
    public static final class Result {
        public final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        public long ok;
        public long unexpected;
        public long failed;
        public long seconds;
        public String firstError;
        /** When the run began (System.nanoTime()), and the longest latency answered in each 100 ms after it. */
        public final long origin = System.nanoTime();
        public final long[] slowestPerTenth = new long[1200];

        /**
         * The tenths of a second in which some answer took longer than {@code micros}: "second 1.3: 212 ms", at
         * most {@code limit} of them, in order; where the latency is spent, when its tail is long.
         */
        public String slowTenths(long micros, int limit) {
            StringBuilder out = new StringBuilder();
            int shown = 0;
            for (int t = 0; t < slowestPerTenth.length && shown < limit; t++) {
                if (slowestPerTenth[t] > micros) {
                    out.append(shown++ == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "second %.1f: %.1f ms", t / 10.0,
                            slowestPerTenth[t] / 1000.0));
                }
            }
            return out.toString();
        }

        public double rate() {
            return (double) ok / seconds;
        }
    }

    /** Opens {@code connections} keep-alive connections to {@code host:port}; {@code key} goes to authenticated operations. */
    public Paced(String host, int port, int connections, String key) throws IOException {
        this.address = new InetSocketAddress(host, port);
        this.host = host + ":" + port;
        this.key = key;
        this.selector = Selector.open();
        this.connections = new Connection[connections];
        for (int c = 0; c < connections; c++) {
            this.connections[c] = new Connection();
        }
    }

    /** {@code rate} requests per second for {@code seconds}, latency from each one's due time; waits up to 30 s for the last answers. */
    public Result constantRate(Operation op, double rate, long seconds) throws IOException {
        Result result = new Result();
        result.seconds = seconds;
        long total = (long) (rate * seconds);
        double interval = 1e9 / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        run(op, result, total, i -> start + (long) (i * interval), start + TimeUnit.SECONDS.toNanos(seconds + 30), Long.MAX_VALUE);
        return result;
    }

    /** Every connection busy for {@code seconds}; only answers within the window count, latency from each send. */
    public Result closedLoop(Operation op, long seconds) throws IOException {
        Result result = new Result();
        result.seconds = seconds;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        run(op, result, Long.MAX_VALUE, null, end + TimeUnit.SECONDS.toNanos(30), end);
        return result;
    }

    private interface Schedule {
        long due(long i);
    }

    /**
     * Sends requests 0, 1, ... as they fall due ({@code schedule}; null: whenever a connection is free, until
     * {@code stopSending}) and waits for their answers until {@code giveUp}.
     */
    private void run(Operation op, Result result, long total, Schedule schedule, long giveUp, long stopSending) throws IOException {
        byte[][] requests = encode(op);
        ArrayDeque<Connection> idle = new ArrayDeque<>();
        ArrayDeque<Connection> broken = new ArrayDeque<>();
        for (Connection c : connections) {
            c.open();
            idle.add(c);
        }
        long[] waiting = new long[1024]; // due request numbers that found no free connection, a ring
        int head = 0;
        int size = 0;
        long next = 0;
        long answered = 0;
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            if (schedule == null) {
                while (now < stopSending && !idle.isEmpty()) {
                    send(idle.poll(), requests, next++, now, result, broken);
                    sent++;
                }
            } else {
                while (next < total && schedule.due(next) <= now) {
                    if (size == waiting.length) {
                        long[] bigger = new long[size * 2];
                        for (int k = 0; k < size; k++) {
                            bigger[k] = waiting[(head + k) % size];
                        }
                        waiting = bigger;
                        head = 0;
                    }
                    waiting[(head + size++) % waiting.length] = next++;
                }
                while (size > 0 && !idle.isEmpty()) {
                    long i = waiting[head];
                    head = (head + 1) % waiting.length;
                    size--;
                    send(idle.poll(), requests, i, schedule.due(i), result, broken);
                    sent++;
                }
            }
            answered += broken.size();
            idle.addAll(broken); // after the sends above, so that a dead server cannot keep this loop from its clock
            broken.clear();
            boolean finished = schedule == null ? now >= stopSending && answered == sent : answered == total;
            if (finished) {
                return;
            }
            if (now > giveUp) {
                result.failed += (schedule == null ? sent : total) - answered;
                result.firstError = "unanswered after 30 s: " + ((schedule == null ? sent : total) - answered);
                return;
            }
            long wait = schedule != null && next < total ? schedule.due(next) - now : TimeUnit.MILLISECONDS.toNanos(10);
            if (schedule == null && now < stopSending) {
                wait = Math.min(wait, stopSending - now);
            }
            // Never spin: on a machine this busy a spinning generator takes the service's core. Under a millisecond
            // (epoll's unit), park when no answer is awaited, else wait for one at most 1 ms (a send up to 1 ms
            // late is charged to that request's latency, as it should be).
            if (wait >= 1_000_000) {
                selector.select(wait / 1_000_000);
            } else if (idle.size() == connections.length) {
                LockSupport.parkNanos(Math.max(wait, 1000));
                selector.selectNow();
            } else {
                selector.select(1);
            }
            long at = System.nanoTime();
            for (SelectionKey k : selector.selectedKeys()) {
                Connection c = (Connection) k.attachment();
                int status;
                try {
                    status = c.progress();
                } catch (IOException | RuntimeException e) {
                    status = -1;
                    if (result.firstError == null) {
                        result.firstError = String.valueOf(e);
                    }
                    c.reopen();
                }
                if (status == 0) {
                    continue; // not all there yet
                }
                answered++;
                if (schedule != null || at <= stopSending) {
                    record(op, result, status, at - c.since);
                }
                idle.add(c);
            }
            selector.selectedKeys().clear();
        }
    }

    private static void send(Connection c, byte[][] requests, long i, long due, Result result, ArrayDeque<Connection> broken) {
        if (!c.send(requests, i, due)) {
            result.failed++;
            if (result.firstError == null) {
                result.firstError = "could not send: connection failed";
            }
            broken.add(c);
        }
    }

    private static void record(Operation op, Result result, int status, long nanos) {
        if (status < 0) {
            result.failed++;
        } else if (!op.expected().contains(status)) {
            result.unexpected++;
            if (result.firstError == null) {
                result.firstError = "status " + status;
            }
        } else {
            result.ok++;
            long micros = Math.min(TimeUnit.NANOSECONDS.toMicros(nanos), result.latency.getHighestTrackableValue());
            result.latency.recordValue(micros);
            int tenth = (int) Math.min(result.slowestPerTenth.length - 1, (System.nanoTime() - result.origin) / 100_000_000L);
            result.slowestPerTenth[tenth] = Math.max(result.slowestPerTenth[tenth], micros);
        }
    }

    private byte[][] encode(Operation op) {
        byte[][] requests = new byte[op.uris().size()][];
        for (int i = 0; i < requests.length; i++) {
            StringBuilder head = new StringBuilder().append(op.method().name()).append(' ').append(op.uris().get(i))
                    .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
            if (op.authenticated()) {
                head.append("Authorization: Bearer ").append(key).append("\r\n");
            }
            byte[] body = op.bodies().get(i) == null ? new byte[0] : op.bodies().get(i).getBytes();
            if (op.bodies().get(i) != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[h.length + body.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            requests[i] = all;
        }
        return requests;
    }

    @Override
    public void close() throws IOException {
        for (Connection c : connections) {
            c.close();
        }
        selector.close();
    }

    /** One keep-alive connection: the request it is writing and the answer it is reading. */
    private final class Connection {
        private SocketChannel channel;
        private SelectionKey selection;
        private ByteBuffer out;
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        /** When the current request was due (or sent, in a closed loop), for its latency. */
        long since;

        void open() throws IOException {
            if (channel != null && channel.isOpen()) {
                return;
            }
            channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            selection = channel.register(selector, 0, this);
            in.clear();
        }

        void reopen() {
            close();
            try {
                open();
            } catch (IOException e) {
                channel = null; // the next run tries again; this one counts the failures
            }
        }

        void close() {
            try {
                if (channel != null) {
                    selection.cancel();
                    channel.close();
                }
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }

        /** Starts sending request {@code i}; false when the connection failed (it is opened anew for the next one). */
        boolean send(byte[][] requests, long i, long due) {
            since = due;
            out = ByteBuffer.wrap(requests[(int) (i % requests.length)]);
            in.clear();
            try {
                if (channel == null) {
                    open();
                }
                channel.write(out);
                selection.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                return true;
            } catch (IOException | RuntimeException e) {
                reopen();
                return false;
            }
        }

        /** Writes or reads what it can: the status once the answer is complete, 0 before, or throws. */
        int progress() throws IOException {
            if (out.hasRemaining()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    selection.interestOps(SelectionKey.OP_READ);
                }
                return 0;
            }
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                in = bigger.put(in);
            }
            if (channel.read(in) < 0) {
                throw new IOException("connection closed by the server");
            }
            int status = complete(in.array(), in.position());
            if (status > 0) {
                selection.interestOps(0);
            }
            return status;
        }
    }

    /** The status of the HTTP response in {@code b[0, n)} once it is complete, else 0. */
    static int complete(byte[] b, int n) throws IOException {
        int headEnd = -1;
        for (int i = 3; i < n; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            return 0;
        }
        String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
            throw new IOException("not an HTTP/1.1 response: " + head.lines().findFirst().orElse(""));
        }
        int status = Integer.parseInt(head.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("transfer-encoding") && line.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (status == 204 || status == 304 || status < 200) {
            return status;
        }
        if (length >= 0) {
            return n - headEnd >= length ? status : 0;
        }
        if (!chunked) {
            throw new IOException("a response without Content-Length or chunks: " + head.lines().findFirst().orElse(""));
        }
        int at = headEnd;
        while (true) {
            int lineEnd = -1;
            for (int i = at + 1; i < n; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r') {
                    lineEnd = i + 1;
                    break;
                }
            }
            if (lineEnd < 0) {
                return 0;
            }
            String size = new String(b, at, lineEnd - 2 - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            long chunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (chunk == 0) {
                // no trailers from the service: the last chunk ends with one more CRLF
                return n >= lineEnd + 2 ? status : 0;
            }
            at = (int) (lineEnd + chunk + 2);
            if (at > n) {
                return 0;
            }
        }
    }
}
