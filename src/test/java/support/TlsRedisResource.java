package support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A redis-server of its own that speaks TLS on a second port, with a certificate for 127.0.0.1 signed by a
 * CA made here (openssl); the service connects over {@code rediss://}, trusting that CA through the TLS
 * registry. The plain port stays for the harness.
 */
public class TlsRedisResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("redis-tls");
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=cache-domain test CA",
                    "-keyout", "ca.key", "-out", "ca.crt");
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                    "-extfile", "san.ext", "-out", "server.crt");
            int tlsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                tlsPort = socket.getLocalPort();
            }
            server = RedisServer.startOwn("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", dir.resolve("server.crt").toString(),
                    "--tls-key-file", dir.resolve("server.key").toString(), "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                    "--tls-auth-clients", "no");
            return Map.of("cache-domain.store", "redis",
                    "quarkus.redis.hosts", "rediss://127.0.0.1:" + tlsPort,
                    "quarkus.redis.tls-configuration-name", "redis-tls",
                    "quarkus.tls.redis-tls.trust-store.pem.certs", dir.resolve("ca.crt").toString(),
                    // The certificate names 127.0.0.1: checked as an HTTPS client checks a server's name.
                    "quarkus.tls.redis-tls.hostname-verification-algorithm", "HTTPS");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the test's certificates", e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
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

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
