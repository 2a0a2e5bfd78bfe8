package support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server of the test's own that speaks TLS on a second port, with certificates made here
 * (openssl): a CA, the server's certificate for 127.0.0.1 signed by it, a client certificate signed by
 * it (for mutual TLS), and a stranger CA that signed none of them. The plain port stays for the harness.
 */
public final class TlsRedis implements AutoCloseable {

    private final Path dir;
    private final int tlsPort;
    private final RedisServer server;

    private TlsRedis(Path dir, int tlsPort, RedisServer server) {
        this.dir = dir;
        this.tlsPort = tlsPort;
        this.server = server;
    }

    /**
     * Makes the certificates and starts the server.
     *
     * @param clientCertificates Redis's {@code tls-auth-clients}: {@code no}, {@code optional} or {@code yes} (mutual TLS)
     */
    public static TlsRedis start(String clientCertificates) {
        try {
            Path dir = Files.createTempDirectory("redis-tls");
            authority(dir, "ca", "cache-domain test CA");
            authority(dir, "stranger", "a CA nobody trusts");
            signed(dir, "server", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            signed(dir, "client", "extendedKeyUsage=clientAuth\n");
            int tlsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                tlsPort = socket.getLocalPort();
            }
            RedisServer server = RedisServer.startOwn("--tls-port", Integer.toString(tlsPort),
                    "--tls-cert-file", dir.resolve("server.crt").toString(), "--tls-key-file", dir.resolve("server.key").toString(),
                    "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", clientCertificates);
            return new TlsRedis(dir, tlsPort, server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the test's certificates", e);
        }
    }

    private static void authority(Path dir, String name, String commonName) throws IOException {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + commonName,
                "-keyout", name + ".key", "-out", name + ".crt");
    }

    private static void signed(Path dir, String name, String extensions) throws IOException {
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".crt");
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("openssl failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The TLS port's connection string, {@code rediss://127.0.0.1:<port>}. */
    public String tlsUrl() {
        return "rediss://127.0.0.1:" + tlsPort;
    }

    /** The TLS port, as a plain-text client would (wrongly) address it. */
    public String plainUrlOfTlsPort() {
        return "redis://127.0.0.1:" + tlsPort;
    }

    /** A PEM file made here: {@code ca.crt}, {@code stranger.crt}, {@code client.crt}, {@code client.key}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        server.close();
    }
}
