package infrastructure.embedded;

import domain.StoreUnavailableException;
import domain.store.Backup;
import domain.store.StoreBackups;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Backups of the embedded store: {@code VACUUM INTO} a new file in the data directory's
 * {@code backups/} folder, named after the moment it was taken, while the store keeps serving. The
 * copy is a complete, compacted SQLite database: to restore it, stop the service and put it in
 * place of {@code cache-domain.db} (removing the {@code -wal} and {@code -shm} files).
 */
public final class EmbeddedStoreBackups implements StoreBackups {

    /** The folder of backups inside the data directory. */
    public static final String FOLDER = "backups";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final EmbeddedDatabase db;
    private final Clock clock;

    public EmbeddedStoreBackups(EmbeddedDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Uni<Backup> backUp() {
        return Uni.createFrom().deferred(() -> {
            Instant at = Instant.ofEpochMilli(clock.millis());
            Path folder = db.directory().resolve(FOLDER);
            Path file = folder.resolve("cache-domain-" + NAME.format(at) + ".db");
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                return Uni.createFrom().failure(new StoreUnavailableException("cannot create " + folder + ": " + e.getMessage(), e));
            }
            if (Files.exists(file)) {
                return Uni.createFrom().failure(new StoreUnavailableException("a backup taken at the same millisecond exists: retry", null));
            }
            return db.backupTo(file).map(done -> {
                try {
                    return new Backup(file.toString(), Files.size(file), at);
                } catch (IOException e) {
                    throw new StoreUnavailableException("the backup " + file + " vanished: " + e.getMessage(), e);
                }
            });
        });
    }
}
