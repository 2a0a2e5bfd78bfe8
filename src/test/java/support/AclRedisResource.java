package support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A redis-server of its own whose users come from the shipped ACL rule ({@code deploy/redis-acl.conf}), its
 * password hash replaced by one of a password made here; the service connects as that user. The default user
 * stays as Redis makes it (so that the harness can check the server is up), and the test asks the server as
 * the service's user to show the rule is in force.
 */
public class AclRedisResource implements QuarkusTestResourceLifecycleManager {

    /** The password of the service's user on the server this resource started (the tests log in with it too). */
    public static final String PASSWORD = "acl-" + UUID.randomUUID();
    /** The port of that server. */
    public static volatile int port;

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        try {
            List<String> rule = Files.readAllLines(Path.of("deploy", "redis-acl.conf")).stream()
                    .filter(line -> line.startsWith("user "))
                    .map(line -> line.replace("#<sha256-of-your-password>", "#" + domain.Secrets.sha256Hex(PASSWORD)))
                    .toList();
            if (rule.size() != 1) {
                throw new IllegalStateException("deploy/redis-acl.conf must hold the service's user line");
            }
            Path file = Files.createTempFile("users", ".acl");
            Files.write(file, List.of(rule.get(0), "user default on nopass ~* &* +@all"));
            server = RedisServer.startOwn("--aclfile", file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the ACL file", e);
        }
        port = server.port();
        return Map.of("cache-domain.store", "redis",
                "quarkus.redis.hosts", "redis://cache-domain:" + PASSWORD + "@127.0.0.1:" + server.port());
    }

    @Override
    public void stop() {
        server.close();
    }
}
