package infrastructure.embedded;

import contract.ValuesAtRestContract;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import infrastructure.values.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import support.EmbeddedDatabases;

/** The value chain on the embedded store: what its files hold, the database and its write-ahead log, byte by byte. */
class ValuesAtRestOnEmbeddedTest extends ValuesAtRestContract {

    private EmbeddedDatabase db;

    @Override
    protected void openStore() {
        db = EmbeddedDatabases.fresh();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected ProjectKeysets keysets() {
        return new EmbeddedProjectKeysets(db);
    }

    /** Without entries held in process: a value changed behind the service's back is read from the file. */
    @Override
    protected CacheRepository cacheOn(ValueCodec values) {
        return new EmbeddedCacheRepository(db, Clock.systemUTC(), Duration.ofDays(31), 0, values);
    }

    @Override
    protected byte[] storedValue(ProjectId project, String key) {
        return await(db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM cache_entries WHERE project = ? AND key = ?")) {
                select.setString(1, project.value());
                select.setString(2, key);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getBytes(1);
                }
            }
        }));
    }

    @Override
    protected void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        await(db.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE cache_entries SET value = ? WHERE project = ? AND key = ?")) {
                update.setBytes(1, stored);
                update.setString(2, project.value());
                update.setString(3, key);
                return update.executeUpdate();
            }
        }));
    }

    @Override
    protected boolean storeContains(byte[] needle) {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(db.directory())) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.add(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.stream().anyMatch(bytes -> contains(bytes, needle));
    }
}
