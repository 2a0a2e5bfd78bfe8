package support;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests where framing matters: a chunked body sent piece by piece,
 * an answer read while the rest of the body is still held back. Every read gives up after
 * {@link Http#GIVE_UP}, so a test never waits forever.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** The head of an answer, and its body when it declares a Content-Length. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp(int sendBufferBytes) {
        try {
            socket = new Socket();
            if (sendBufferBytes > 0) {
                socket.setSendBufferSize(sendBufferBytes);
            }
            socket.setSoTimeout((int) Http.GIVE_UP.toMillis());
            socket.connect(new java.net.InetSocketAddress("localhost", RestAssured.port));
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawHttp connect() {
        return new RawHttp(0);
    }

    /** A connection whose socket holds at most about {@code bytes} unsent, so that writes stop soon after the server stops reading. */
    public static RawHttp connectWithSendBuffer(int bytes) {
        return new RawHttp(bytes);
    }

    /** Sends text as is (a request head: lines ending in CRLF, then an empty line). */
    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one chunk of a chunked body. */
    public RawHttp chunk(byte[] data) throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream(data.length + 16);
        framed.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        framed.writeBytes(data);
        framed.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return send(framed.toByteArray());
    }

    /** Reads the next answer: status line, headers, and a body of its Content-Length. */
    public Answer read() throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True once the server closed (or reset) the connection: nothing more to read. */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed in the middle of an answer: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the server already closed
        }
    }
}
