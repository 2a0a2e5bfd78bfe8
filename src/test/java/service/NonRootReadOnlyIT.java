package service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import support.RedisStoreProfile;
import support.SmallDisk;

/**
 * The packaged service runs as the container images run it: as a user that is not root, from an application
 * directory it cannot write, writing only its data volume and its temporary directory (a tmpfs in the image). Every
 * native library it loads (SQLite, zstd) and the encryption are used, and the data outlives a restart.
 */
class NonRootReadOnlyIT {

    /** The JVM image's user; as root this test runs the service as it, with no entry in /etc/passwd (as on OpenShift). */
    private static final int IMAGE_USER = 185;
    private static final String ADMIN = "it-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private static boolean root() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
    }

    /** The command prefix that runs a command as the image's user, or nothing when this test is not root. */
    private static List<String> runAs() throws IOException {
        return root() ? List.of("setpriv", "--reuid=" + IMAGE_USER, "--regid=" + IMAGE_USER, "--clear-groups", "--") : List.of();
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }

    private static void ownedByTheImageUser(Path directory) throws IOException {
        if (root()) {
            Files.setAttribute(directory, "unix:uid", IMAGE_USER);
            Files.setAttribute(directory, "unix:gid", IMAGE_USER);
        }
    }

    /** A copy of the packaged application that nobody may write: directories r-x, files r--. */
    private static Path readOnlyCopyOfTheApplication(Path into) throws IOException {
        Path from = Path.of("target/quarkus-app");
        List<Path> copied = new ArrayList<>();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path to = into.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
                copied.add(to);
            }
        }
        java.util.Collections.reverse(copied);
        for (Path file : copied) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "r-xr-xr-x" : "r--r--r--"));
        }
        return into;
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.map(file -> directory.relativize(file).toString()).sorted().toList();
        }
    }

    /** Deletes the tree, making its read-only directories writable first. */
    private static void delete(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = new ArrayList<>(walk.toList());
        }
        for (Path file : files) {
            if (Files.isDirectory(file)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            }
        }
        java.util.Collections.reverse(files);
        for (Path file : files) {
            Files.delete(file);
        }
    }

    @Test
    void runsAsAUserThatIsNotRootWritingOnlyItsDataVolumeAndItsTemporaryDirectory() throws Exception {
        Path root = Files.createTempDirectory("non-root");
        // As root, the temporary directory is a tmpfs as compose mounts it (exec: the native libraries load from it).
        Optional<SmallDisk> tmpfs = root()
                ? SmallDisk.tryMount("size=64m,exec,mode=0700,uid=" + IMAGE_USER + ",gid=" + IMAGE_USER) : Optional.empty();
        try {
            runsFrom(root, tmpfs.map(SmallDisk::path));
        } finally {
            tmpfs.ifPresent(SmallDisk::close);
            delete(root);
        }
    }

    @Test
    void aTemporaryDirectoryMountedNoexecStopsTheStartNamingTheLibraryItCouldNotLoad() throws Exception {
        // Docker's own tmpfs default: SQLite unpacks its library there and cannot load it.
        try (SmallDisk tmpfs = SmallDisk.withOptions("size=64m,noexec"); SmallDisk data = SmallDisk.of(1024)) {
            ServiceProcess.Refusal refusal = ServiceProcess.refusedStart(Map.of("CACHE_DOMAIN_STORE", "embedded",
                    "CACHE_DOMAIN_EMBEDDED_PATH", data.path().toString()), Map.of("java.io.tmpdir", tmpfs.path().toString()));

            assertThat(refusal.exitCode()).isNotZero();
            assertThat(refusal.output()).contains("libsqlitejdbc.so");
        }
    }

    private static void runsFrom(Path root, Optional<Path> tmpfs) throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectory(root.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Path tmp = tmpfs.isPresent() ? tmpfs.get()
                : Files.createDirectory(root.resolve("tmp"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ownedByTheImageUser(data);
        ownedByTheImageUser(tmp);
        Path application = readOnlyCopyOfTheApplication(root.resolve("deployments"));
        List<String> before = listing(application);
        List<String> asImageUser = runAs();
        List<String> probe = new ArrayList<>(asImageUser);
        probe.addAll(List.of("touch", application.resolve("probe").toString()));
        assertThat(run(probe)).as("the application directory is read-only to the service's user").isNotZero();

        Map<String, String> settings = Map.of("CACHE_DOMAIN_STORE", "embedded", "CACHE_DOMAIN_EMBEDDED_PATH", data.toString(),
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN, "CACHE_DOMAIN_VALUES_ENCRYPTION_ENABLED", "true",
                "CACHE_DOMAIN_VALUES_ENCRYPTION_KEY", RedisStoreProfile.KEK);
        Map<String, String> properties = Map.of("java.io.tmpdir", tmp.toString());
        String value = "{\"value\": \"" + "compressible text ".repeat(300) + "\"}";
        try (ServiceProcess service = ServiceProcess.startIn(application, asImageUser, settings, properties)) {
            String uid = Files.readString(Path.of("/proc/" + service.pid() + "/status")).lines()
                    .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uid.split("\\s+")[1]).as("the service's user").isNotEqualTo("0");
            if (root()) {
                assertThat(uid.split("\\s+")[1]).isEqualTo(Integer.toString(IMAGE_USER));
            }
            assertThat(service.send("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
            // A value large enough to be compressed (zstd's native library), encrypted (Tink), kept in SQLite (its own).
            assertThat(service.send("PUT", "/v1/projects/shop/cache/big", ADMIN, value).statusCode()).isEqualTo(201);
            assertThat(service.send("GET", "/v1/projects/shop/cache/big", ADMIN, null).body()).contains("compressible text");
            // SQLite's library is unpacked here and kept while in use (zstd's is deleted once loaded), and Vert.x's cache.
            assertThat(listing(tmp)).as("the temporary directory in use")
                    .anySatisfy(file -> assertThat(file).endsWith("libsqlitejdbc.so"))
                    .anySatisfy(file -> assertThat(file).startsWith("vertx-cache"));
        }
        try (ServiceProcess restarted = ServiceProcess.startIn(application, asImageUser, settings, properties)) {
            assertThat(restarted.send("GET", "/v1/projects/shop/cache/big", ADMIN, null).body()).contains("compressible text");
        }
        assertThat(listing(application)).as("nothing written where the application lies").isEqualTo(before);
        assertThat(listing(data)).anySatisfy(file -> assertThat(file).endsWith(".db"));
    }
}
