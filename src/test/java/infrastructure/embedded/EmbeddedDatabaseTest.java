package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreFullException;
import domain.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.SmallDisk;

class EmbeddedDatabaseTest {

    private final List<EmbeddedDatabase> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(EmbeddedDatabase::close);
    }

    private EmbeddedDatabase open(Path directory, long maxBytes) {
        EmbeddedDatabase db = EmbeddedDatabases.open(directory, maxBytes);
        opened.add(db);
        db.define("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB, expires_at INTEGER)",
                "CREATE INDEX IF NOT EXISTS t_expiry ON t (expires_at)");
        return db;
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    private static Uni<Void> insert(EmbeddedDatabase db, int id, int bytes, long expiresAt) {
        return db.write(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO t (id, body, expires_at) VALUES (?, randomblob(?), ?)")) {
                s.setInt(1, id);
                s.setInt(2, bytes);
                s.setLong(3, expiresAt);
                s.executeUpdate();
            }
            return null;
        });
    }

    private static long rows(EmbeddedDatabase db) {
        return await(db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
                r.next();
                return r.getLong(1);
            }
        }));
    }

    /** How many rows of 16 KiB went in before the store refused one, and how it refused. */
    private record Filled(int written, Throwable refused) {
    }

    private static Filled fill(EmbeddedDatabase db) {
        int written = 0;
        while (written < 1_000) {
            try {
                await(insert(db, written, 16 * 1024, Long.MAX_VALUE));
                written++;
            } catch (StoreUnavailableException e) {
                return new Filled(written, e);
            }
        }
        return new Filled(written, null);
    }

    @Test
    void refusesASecondOpeningOfTheSameDirectory() {
        Path directory = EmbeddedDatabases.newDirectory();
        open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);

        assertThatThrownBy(() -> EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in use by another cache-domain process")
                .hasMessageContaining("CACHE_DOMAIN_EMBEDDED_PATH");
    }

    @Test
    void explainsACorruptFileAtStart() throws Exception {
        Path directory = EmbeddedDatabases.newDirectory();
        Files.write(directory.resolve(EmbeddedDatabase.FILE), "this is not a database, only some text of some length".repeat(200).getBytes());

        assertThatThrownBy(() -> EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is corrupt or not a cache-domain database")
                .hasMessageContaining("restore it from a backup");
    }

    @Test
    void explainsADirectoryItCannotWriteAtStart() {
        try (SmallDisk disk = SmallDisk.readOnly()) {
            assertThatThrownBy(() -> EmbeddedDatabases.open(disk.path(), EmbeddedDatabases.DEFAULT_MAX_BYTES))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is not writable by this process");
        }
    }

    @Test
    void explainsAFullDiskAtStart() throws Exception {
        try (SmallDisk disk = SmallDisk.of(256)) {
            try (var filler = Files.newOutputStream(disk.path().resolve("filler"))) {
                byte[] block = new byte[4096];
                try {
                    while (true) {
                        filler.write(block);
                        filler.flush();
                    }
                } catch (java.io.IOException full) {
                    // The disk is full now.
                }
            }

            assertThatThrownBy(() -> EmbeddedDatabases.open(disk.path(), EmbeddedDatabases.DEFAULT_MAX_BYTES))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(disk.path().toString())
                    .hasMessageContaining("disk is full");
        }
    }

    @Test
    void pastItsMaximumSizeRefusesWritesKeepsReadsAndStaysSound() {
        EmbeddedDatabase db = open(EmbeddedDatabases.newDirectory(), 1 << 20);
        Filled filled = fill(db);
        int written = filled.written();
        Throwable refused = filled.refused();

        assertThat(refused).isInstanceOf(StoreFullException.class).hasMessageContaining("is full");
        assertThat(rows(db)).as("reads keep working, and the refused write left nothing").isEqualTo(written);
        assertThat(await(db.integrityCheck())).isEqualTo("ok");
        await(db.write(c -> c.createStatement().executeUpdate("DELETE FROM t WHERE id < 10")));
        await(insert(db, 5_000, 1024, Long.MAX_VALUE));
        assertThat(rows(db)).as("room again once rows went").isEqualTo(written - 10 + 1);
    }

    @Test
    void onAFullDiskRefusesWritesKeepsReadsAndStaysSound() {
        try (SmallDisk disk = SmallDisk.of(2048)) {
            EmbeddedDatabase db = open(disk.path(), EmbeddedDatabases.DEFAULT_MAX_BYTES);
            Filled filled = fill(db);
            int written = filled.written();
            Throwable refused = filled.refused();

            assertThat(refused).isInstanceOf(StoreFullException.class);
            assertThat(rows(db)).isEqualTo(written);
            assertThat(await(db.integrityCheck())).isEqualTo("ok");
        }
    }

    @Test
    void aFailingWriteChangesNothingAndFailsAloneInItsGroup() throws Exception {
        EmbeddedDatabase db = open(EmbeddedDatabases.newDirectory(), EmbeddedDatabases.DEFAULT_MAX_BYTES);
        CountDownLatch hold = new CountDownLatch(1);
        // Holds the writer so that the next writes queue up and commit as one group.
        Uni<Object> holding = db.write(c -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        var held = holding.subscribeAsCompletionStage();
        var first = insert(db, 1, 10, Long.MAX_VALUE).subscribeAsCompletionStage();
        var failing = db.write(c -> {
            c.createStatement().executeUpdate("INSERT INTO t (id, body, expires_at) VALUES (2, x'00', 0)");
            throw new SQLException("refused half-way");
        }).subscribeAsCompletionStage();
        var third = insert(db, 3, 10, Long.MAX_VALUE).subscribeAsCompletionStage();
        hold.countDown();

        held.get();
        first.get();
        third.get();
        assertThat(failing).isCompletedExceptionally();
        assertThatThrownBy(failing::join).hasCauseInstanceOf(StoreUnavailableException.class).hasMessageContaining("refused half-way");
        String ids = await(db.read(c -> {
            try (ResultSet r = c.createStatement().executeQuery("SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)")) {
                r.next();
                return r.getString(1);
            }
        }));
        assertThat(ids).isEqualTo("1,3");
    }

    @Test
    void refusesWritesAtOnceWhenItsQueueIsFull() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.open(new EmbeddedDatabase.Settings(EmbeddedDatabases.newDirectory(),
                EmbeddedDatabase.Durability.NORMAL, EmbeddedDatabases.DEFAULT_MAX_BYTES, 1, 1, Duration.ofDays(1)));
        opened.add(db);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        var held = db.write(c -> {
            running.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        }).subscribeAsCompletionStage();
        running.await();
        var queued = db.write(c -> 2).subscribeAsCompletionStage();

        assertThatThrownBy(() -> await(db.write(c -> 3))).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("calls waiting");
        hold.countDown();
        assertThat(held.get()).isEqualTo(1);
        assertThat(queued.get()).isEqualTo(2);
    }

    @Test
    void sweepsExpiredRowsInBatchesAndGivesTheirSpaceBack() {
        EmbeddedDatabase db = open(EmbeddedDatabases.newDirectory(), EmbeddedDatabases.DEFAULT_MAX_BYTES);
        await(db.write(c -> c.createStatement().executeUpdate("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
                + "WHERE i < 3999) INSERT INTO t (id, body, expires_at) SELECT i, randomblob(1024), CASE WHEN i < 3000 THEN 1 "
                + "ELSE 9223372036854775807 END FROM n")));
        await(insert(db, 10_000, 1, Long.MAX_VALUE));
        long pagesBefore = pages(db);
        db.sweepEvery(500, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM t WHERE rowid IN (SELECT rowid FROM t WHERE expires_at <= ? LIMIT 500)")) {
                s.setLong(1, 1_000);
                return s.executeUpdate();
            }
        });

        db.sweepNow();

        assertThat(rows(db)).isEqualTo(1_001);
        assertThat(pages(db)).as("pages after the sweep, against %d before", pagesBefore).isLessThan(pagesBefore / 2);
        assertThat(await(db.integrityCheck())).isEqualTo("ok");
    }

    private static long pages(EmbeddedDatabase db) {
        return await(db.read(c -> {
            try (ResultSet r = c.createStatement().executeQuery("PRAGMA page_count")) {
                r.next();
                return r.getLong(1);
            }
        }));
    }

    @Test
    void backsUpAConsistentCopyWhileServing() throws Exception {
        EmbeddedDatabase db = open(EmbeddedDatabases.newDirectory(), EmbeddedDatabases.DEFAULT_MAX_BYTES);
        for (int i = 0; i < 100; i++) {
            await(insert(db, i, 100, Long.MAX_VALUE));
        }
        Path copy = EmbeddedDatabases.newDirectory().resolve("backup.db");

        await(db.backupTo(copy));

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                ResultSet r = c.createStatement().executeQuery("SELECT count(*), (SELECT integrity_check FROM pragma_integrity_check()) FROM t")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(100);
            assertThat(r.getString(2)).isEqualTo("ok");
        }
    }

    @Test
    void keepsWhatItCommittedAcrossAReopening() {
        Path directory = EmbeddedDatabases.newDirectory();
        EmbeddedDatabase db = open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        await(insert(db, 1, 10, Long.MAX_VALUE));
        db.close();
        opened.remove(db);

        assertThat(rows(open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES))).isEqualTo(1);
    }
}
