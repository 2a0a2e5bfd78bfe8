package support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A small tmpfs mounted on a temporary directory, to give the embedded store a disk that fills up or
 * is read-only, or the service a temporary directory as a container's. Mounting needs root (CAP_SYS_ADMIN), as on the CI machine; where it cannot mount, the
 * test is skipped with that reason.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** A writable tmpfs of {@code kib} KiB. */
    public static SmallDisk of(int kib) {
        return mount("size=" + kib + "k");
    }

    /** A read-only tmpfs. */
    public static SmallDisk readOnly() {
        return mount("ro,size=64k");
    }

    /** A tmpfs with these mount options ({@code noexec}, say), or the test skipped where none can be mounted. */
    public static SmallDisk withOptions(String options) {
        return mount(options);
    }

    /** A tmpfs with these mount options, or empty where none can be mounted (not root). */
    public static Optional<SmallDisk> tryMount(String options) {
        Path point = EmbeddedDatabases.newDirectory();
        boolean mounted = Commands.runs("mount", "-t", "tmpfs", "-o", options, "tmpfs", point.toString());
        return mounted ? Optional.of(new SmallDisk(point)) : Optional.empty();
    }

    private static SmallDisk mount(String options) {
        Optional<SmallDisk> disk = tryMount(options);
        assumeTrue(disk.isPresent(), "cannot mount a tmpfs here (the test needs root): skipped");
        return disk.get();
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public void close() {
        Commands.runs("umount", "-l", mountPoint.toString());
    }

}
