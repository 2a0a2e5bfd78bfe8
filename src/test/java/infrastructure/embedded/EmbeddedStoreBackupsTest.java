package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import domain.store.Backup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/** Backups of the embedded store: never one over another, and only the newest kept. */
class EmbeddedStoreBackupsTest {

    private final MutableClock clock = new MutableClock();
    private final EmbeddedDatabase db = EmbeddedDatabases.fresh();

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private static Backup await(io.smallrye.mutiny.Uni<Backup> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    private List<String> backupFiles() throws IOException {
        try (Stream<Path> files = Files.list(db.directory().resolve(EmbeddedStoreBackups.FOLDER))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void twoBackupsOfTheSameMillisecondGetFilesOfTheirOwn() throws Exception {
        EmbeddedStoreBackups backups = new EmbeddedStoreBackups(db, clock, 7);

        Backup first = await(backups.backUp());
        Backup second = await(backups.backUp());

        assertThat(second.file()).isNotEqualTo(first.file());
        assertThat(second.at()).isEqualTo(first.at());
        assertThat(backupFiles()).hasSize(2);
        assertThat(Files.size(Path.of(first.file()))).isPositive();
        assertThat(Files.size(Path.of(second.file()))).isPositive();
    }

    @Test
    void keepsTheNewestOfBackupsTakenInTheSameMillisecondByTheirSuffix() throws Exception {
        EmbeddedStoreBackups backups = new EmbeddedStoreBackups(db, clock, 2);
        List<Backup> taken = new java.util.ArrayList<>();
        for (int i = 0; i < 11; i++) {
            taken.add(await(backups.backUp()));
        }

        assertThat(backupFiles()).containsExactlyInAnyOrder(Path.of(taken.get(9).file()).getFileName().toString(),
                Path.of(taken.get(10).file()).getFileName().toString());
        assertThat(taken.get(10).file()).endsWith("-11.db");
    }

    @Test
    void keepsOnlyTheNewestBackups() throws Exception {
        EmbeddedStoreBackups backups = new EmbeddedStoreBackups(db, clock, 2);
        Backup newest = null;
        Backup before = null;
        for (int i = 0; i < 4; i++) {
            before = newest;
            newest = await(backups.backUp());
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(backupFiles()).containsExactly(Path.of(before.file()).getFileName().toString(),
                Path.of(newest.file()).getFileName().toString());
    }
}
