package service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import infrastructure.embedded.BootstrapKeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.SmallDisk;

/** How the packaged service starts on the embedded store: the data directory's lock, its errors, the kept bootstrap key. */
class EmbeddedStoreStartIT {

    private static final String ADMIN = "it-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private static Map<String, String> on(Path directory) {
        return Map.of("CACHE_DOMAIN_STORE", "embedded", "CACHE_DOMAIN_EMBEDDED_PATH", directory.toString());
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectoryIsRefusedAtStart() throws Exception {
        Path directory = EmbeddedDatabases.newDirectory();
        try (ServiceProcess first = ServiceProcess.start(on(directory))) {
            assertThatThrownBy(() -> ServiceProcess.start(on(directory)))
                    .hasMessageContaining("the service exited")
                    .hasMessageContaining("is in use by another cache-domain process");
            assertThat(first.send("GET", "/q/health/ready", null, null).statusCode()).as("the first one serves on").isEqualTo(200);
        }
    }

    @Test
    void keepsOnlyTheDigestOfTheGeneratedBootstrapKeyReadableByItsOwnerOnly() throws Exception {
        Path directory = EmbeddedDatabases.newDirectory();
        try (ServiceProcess service = ServiceProcess.start(on(directory))) {
            Path file = directory.resolve(BootstrapKeyFile.NAME);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String logged = service.output().replaceAll("(?s).*Authorization: Bearer ([A-Za-z0-9_-]+)'.*", "$1");
            assertThat(Files.readString(file)).doesNotContain(logged).matches("[0-9a-f]{64}\\n");
            assertThat(service.send("GET", "/v1/admin/api-keys", logged, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aNormalStopRecordsTheReadStatisticsItStillHeld() throws Exception {
        Path directory = EmbeddedDatabases.newDirectory();
        Map<String, String> settings = Map.of("CACHE_DOMAIN_STORE", "embedded", "CACHE_DOMAIN_EMBEDDED_PATH", directory.toString(),
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN, "CACHE_DOMAIN_CACHE_READ_FLUSH_INTERVAL", "1h");
        try (ServiceProcess service = ServiceProcess.start(settings)) {
            assertThat(service.send("PUT", "/v1/projects/shop/cache/k", ADMIN, "{\"value\": 1}").statusCode()).isEqualTo(201);
            for (int i = 0; i < 3; i++) {
                assertThat(service.send("GET", "/v1/projects/shop/cache/k", ADMIN, null).statusCode()).isEqualTo(200);
            }
            assertThat(service.send("GET", "/v1/projects/shop/cache/absent", ADMIN, null).statusCode()).isEqualTo(404);
        }
        try (ServiceProcess restarted = ServiceProcess.start(settings)) {
            assertThat(restarted.send("GET", "/v1/projects/shop/cache-stats", ADMIN, null).body())
                    .contains("\"hits\":3").contains("\"misses\":1");
        }
    }

    @Test
    void aReadOnlyDataDirectoryStopsTheStartWithAClearMessage() {
        try (SmallDisk disk = SmallDisk.readOnly()) {
            assertThatThrownBy(() -> ServiceProcess.start(on(disk.path())))
                    .hasMessageContaining("the service exited")
                    .hasMessageContaining("is not writable by this process");
        }
    }
}
