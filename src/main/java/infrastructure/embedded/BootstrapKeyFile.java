package infrastructure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The generated bootstrap key of an embedded store, kept in its data directory so that a restart
 * keeps the operator's key: only the digest of the secret, in a file only its owner may read (0600).
 * Deleting the file makes the next start generate (and log) a new key.
 */
public final class BootstrapKeyFile {

    /** The file's name in the data directory. */
    public static final String NAME = "bootstrap-key.sha256";

    private final Path file;

    public BootstrapKeyFile(Path directory) {
        this.file = directory.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    /** The digest saved by an earlier start; empty on the first one. */
    public Optional<String> digest() {
        try {
            String digest = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!digest.matches("[0-9a-f]{64}")) {
                throw new IllegalStateException(file + " does not hold a SHA-256 digest: delete it to generate a new bootstrap key");
            }
            return Optional.of(digest);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Saves the digest of a newly generated key, readable by the owner only; false when another
     * start saved one first (then the caller must use {@link #digest()}).
     */
    public boolean save(String digest) {
        try {
            Files.createDirectories(file.getParent());
            Path written;
            try {
                written = Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                written = Files.createFile(file);
            }
            Files.writeString(written, digest + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (!Files.isWritable(file.getParent())) {
                throw new IllegalStateException("the embedded store's data directory " + file.getParent()
                        + " is not writable by this process: it cannot keep the bootstrap key's digest there", e);
            }
            throw new UncheckedIOException("cannot save the bootstrap key's digest in " + file, e);
        }
    }
}
