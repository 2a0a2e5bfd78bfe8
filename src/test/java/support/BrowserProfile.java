package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The service as a page on another origin reaches it: CORS allows the page's origins (a port
 * chosen now, where the test serves the page), with credentials; short heartbeats so that streams
 * notice a cut within a test. On the memory store.
 */
public class BrowserProfile implements QuarkusTestProfile {

    private static final String PORT_PROPERTY = "browser-test.page-port";

    /** The port the test's page server listens on; its origins are allowed. */
    public static final int PAGE_PORT = freePort();
    /** The page's origin by address: the same site as the service at 127.0.0.1, another origin (another port). */
    public static final String SAME_SITE_ORIGIN = "http://127.0.0.1:" + PAGE_PORT;
    /** The page's origin by name: another site than the service at 127.0.0.1. */
    public static final String CROSS_SITE_ORIGIN = "http://localhost:" + PAGE_PORT;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new MemoryStoreProfile().getConfigOverrides());
        config.put("cache-domain.cors.origins", SAME_SITE_ORIGIN + "," + CROSS_SITE_ORIGIN);
        config.put("cache-domain.cors.allow-credentials", "true");
        config.put("cache-domain.progress.heartbeat", "500ms");
        config.put("cache-domain.progress.reconnect-delay", "300ms");
        return config;
    }

    /** One port for the JVM: Quarkus loads this class once for the configuration and again for the test. */
    private static synchronized int freePort() {
        String chosen = System.getProperty(PORT_PROPERTY);
        if (chosen != null) {
            return Integer.parseInt(chosen);
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            System.setProperty(PORT_PROPERTY, Integer.toString(socket.getLocalPort()));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CORS for the same origins without credentials, and for GET only. */
    public static class WithoutCredentials extends BrowserProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("cache-domain.cors.allow-credentials", "false");
            config.put("cache-domain.cors.allowed-methods", "GET");
            return config;
        }
    }
}
