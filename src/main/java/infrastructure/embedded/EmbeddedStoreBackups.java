package infrastructure.embedded;

import domain.StoreUnavailableException;
import domain.store.Backup;
import domain.store.StoreBackups;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern BACKUP_NAME = Pattern.compile("cache-domain-(\\d{8}T\\d{6}\\.\\d{3}Z)(?:-(\\d{1,9}))?\\.db");

    private final EmbeddedDatabase db;
    private final Clock clock;
    private final int kept;
    /** Files this process is writing a backup into. */
    private final Set<Path> inProgress = ConcurrentHashMap.newKeySet();

    /** @param kept how many backups stay, the newest ones; at least 1 */
    public EmbeddedStoreBackups(EmbeddedDatabase db, Clock clock, int kept) {
        if (kept < 1) {
            throw new IllegalArgumentException("Cannot keep fewer than one backup, not " + kept);
        }
        this.db = db;
        this.clock = clock;
        this.kept = kept;
    }

    /** File work (reserving the name, pruning) runs on a reader thread, never on the caller's event loop. */
    @Override
    public Uni<Backup> backUp() {
        return Uni.createFrom().deferred(() -> {
            Instant at = Instant.ofEpochMilli(clock.millis());
            Path folder = db.directory().resolve(FOLDER);
            return db.read(c -> reserve(folder, PREFIX + NAME.format(at)))
                    .onFailure().transform(failure -> new StoreUnavailableException("cannot create a backup file in " + folder
                            + ": " + failure.getMessage(), failure))
                    .chain(file -> {
                        inProgress.add(file);
                        return db.backupTo(file)
                                .chain(done -> db.read(c -> {
                                    Backup backup = new Backup(file.toString(), size(file), at);
                                    inProgress.remove(file);
                                    prune(folder);
                                    return backup;
                                }))
                                .onFailure().invoke(failure -> {
                                    inProgress.remove(file);
                                    deleteQuietly(file);
                                });
                    });
        });
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StoreUnavailableException("the backup " + file + " vanished: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the backup's file, empty (which {@code VACUUM INTO} accepts): {@code name.db}, or, after
     * backups of the same millisecond, {@code name-N.db} with N above every suffix they took, so that
     * a name freed by pruning is never taken again by a newer backup (it would sort as the oldest).
     */
    private static Path reserve(Path folder, String name) {
        try {
            Files.createDirectories(folder);
            int highest = 0;
            try (Stream<Path> files = Files.list(folder)) {
                highest = files.map(EmbeddedStoreBackups::order)
                        .filter(taken -> taken != null && (PREFIX + taken.time).equals(name))
                        .mapToInt(Taken::suffix).max().orElse(0);
            }
            for (int n = highest + 1; ; n++) {
                Path candidate = folder.resolve(name + (n == 1 ? "" : "-" + n) + ".db");
                try {
                    return Files.createFile(candidate);
                } catch (FileAlreadyExistsException taken) {
                    // The next suffix.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes the backups older than the newest {@code kept}, in the order they were taken (the time
     * in their names, then their suffix); backups still being written are neither counted nor removed.
     */
    private void prune(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> backups = files.filter(f -> order(f) != null && !inProgress.contains(f))
                    .sorted(Comparator.comparing(EmbeddedStoreBackups::order).reversed())
                    .toList();
            for (Path old : backups.subList(Math.min(kept, backups.size()), backups.size())) {
                Files.deleteIfExists(old);
                LOG.infof("removed the backup %s: the newest %d are kept (cache-domain.embedded.backups-kept)", old, kept);
            }
        } catch (IOException e) {
            LOG.warnf("could not remove old backups from %s: %s", folder, e.toString());
        }
    }

    /** Where a backup's file name puts it among the others: its time, then its suffix; null for another file. */
    private static Taken order(Path file) {
        Matcher name = BACKUP_NAME.matcher(file.getFileName().toString());
        return name.matches() ? new Taken(name.group(1), name.group(2) == null ? 1 : Integer.parseInt(name.group(2))) : null;
    }

    private record Taken(String time, int suffix) implements Comparable<Taken> {
        @Override
        public int compareTo(Taken other) {
            int byTime = time.compareTo(other.time);
            return byTime != 0 ? byTime : Integer.compare(suffix, other.suffix);
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
