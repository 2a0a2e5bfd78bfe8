package infrastructure.embedded;

import domain.StoreUnavailableException;
import domain.store.Backup;
import domain.store.StoreBackups;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Backups of the embedded store: {@code VACUUM INTO} a new file in the data directory's
 * {@code backups/} folder, named after the moment it was taken, while the store keeps serving. The
 * copy is a complete, compacted SQLite database: to restore it, stop the service and put it in
 * place of {@code cache-domain.db} (removing the {@code -wal} and {@code -shm} files).
 *
 * <p>The newest {@code kept} backups stay; each new one removes those older than them, so that an
 * operator who backs up on a schedule does not fill the disk (after which writes would get 507).
 */
public final class EmbeddedStoreBackups implements StoreBackups {

    /** The folder of backups inside the data directory. */
    public static final String FOLDER = "backups";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final Logger LOG = Logger.getLogger(EmbeddedStoreBackups.class);
    private static final String PREFIX = "cache-domain-";

    private final EmbeddedDatabase db;
    private final Clock clock;
    private final int kept;

    /** @param kept how many backups stay, the newest ones; at least 1 */
    public EmbeddedStoreBackups(EmbeddedDatabase db, Clock clock, int kept) {
        if (kept < 1) {
            throw new IllegalArgumentException("Cannot keep fewer than one backup, not " + kept);
        }
        this.db = db;
        this.clock = clock;
        this.kept = kept;
    }

    @Override
    public Uni<Backup> backUp() {
        return Uni.createFrom().deferred(() -> {
            Instant at = Instant.ofEpochMilli(clock.millis());
            Path folder = db.directory().resolve(FOLDER);
            Path file;
            try {
                Files.createDirectories(folder);
                file = reserve(folder, PREFIX + NAME.format(at));
            } catch (IOException e) {
                return Uni.createFrom().failure(new StoreUnavailableException("cannot create a backup file in " + folder + ": "
                        + e.getMessage(), e));
            }
            return db.backupTo(file).map(done -> {
                try {
                    return new Backup(file.toString(), Files.size(file), at);
                } catch (IOException e) {
                    throw new StoreUnavailableException("the backup " + file + " vanished: " + e.getMessage(), e);
                }
            }).invoke(backup -> prune(folder)).onFailure().invoke(failure -> deleteQuietly(file));
        });
    }

    /**
     * Creates the backup's file, empty (which {@code VACUUM INTO} accepts): {@code name.db}, or
     * {@code name-2.db} and so on when a backup of the same millisecond holds the name.
     */
    private static Path reserve(Path folder, String name) throws IOException {
        for (int n = 1; ; n++) {
            Path candidate = folder.resolve(name + (n == 1 ? "" : "-" + n) + ".db");
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException taken) {
                // The next suffix.
            }
        }
    }

    /** Removes the backups older than the newest {@code kept}, by the time in their names. */
    private void prune(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> backups = files.filter(f -> f.getFileName().toString().startsWith(PREFIX) && f.toString().endsWith(".db"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed())
                    .toList();
            for (Path old : backups.subList(Math.min(kept, backups.size()), backups.size())) {
                Files.deleteIfExists(old);
                LOG.infof("removed the backup %s: the newest %d are kept (cache-domain.embedded.backups-kept)", old, kept);
            }
        } catch (IOException e) {
            LOG.warnf("could not remove old backups from %s: %s", folder, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A failed backup's file; nothing else refers to it.
        }
    }
}
