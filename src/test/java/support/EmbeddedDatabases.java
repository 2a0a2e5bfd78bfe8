package support;

import infrastructure.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Embedded store databases for adapter tests: each in a fresh temporary directory, on real SQLite. */
public final class EmbeddedDatabases {

    /** The size limit of a test database unless a test sets its own. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private EmbeddedDatabases() {
    }

    /** A new database in a new temporary directory; sweeps run only when a test calls {@code sweepNow()}. */
    public static EmbeddedDatabase fresh() {
        return open(newDirectory(), DEFAULT_MAX_BYTES);
    }

    /** A database in {@code directory}, opened with the test settings and the given size limit. */
    public static EmbeddedDatabase open(Path directory, long maxBytes) {
        return EmbeddedDatabase.open(new EmbeddedDatabase.Settings(directory, EmbeddedDatabase.Durability.NORMAL, maxBytes,
                2, 1024, Duration.ofDays(1)));
    }

    /** How many rows the table holds now, expired ones not yet swept included. */
    public static long rows(EmbeddedDatabase db, String table) {
        return db.read(c -> {
            try (var count = c.createStatement(); var row = count.executeQuery("SELECT count(*) FROM " + table)) {
                row.next();
                return row.getLong(1);
            }
        }).await().atMost(java.time.Duration.ofSeconds(30));
    }

    public static Path newDirectory() {
        try {
            return Files.createTempDirectory("cache-domain-embedded-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
