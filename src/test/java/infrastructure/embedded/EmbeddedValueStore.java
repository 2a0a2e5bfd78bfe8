package infrastructure.embedded;

import contract.ValueStore;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import infrastructure.values.SealedSessionRepository;
import infrastructure.values.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import support.EmbeddedDatabases;

/**
 * A fresh SQLite database, its files read back byte by byte (the database and its write-ahead log). Caches on it
 * hold no entries in process, so a value changed behind the service's back is read from the file.
 */
final class EmbeddedValueStore implements ValueStore {

    private final EmbeddedDatabase db = EmbeddedDatabases.fresh();

    @Override
    public ProjectKeysets keysets() {
        return new EmbeddedProjectKeysets(db);
    }

    @Override
    public CacheRepository cacheOn(ValueCodec values) {
        return new EmbeddedCacheRepository(db, Clock.systemUTC(), Duration.ofDays(31), 0, values);
    }

    @Override
    public byte[] storedValue(ProjectId project, String key) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM cache_entries WHERE project = ? AND key = ?")) {
                select.setString(1, project.value());
                select.setString(2, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getBytes(1) : null;
                }
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Override
    public void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        db.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE cache_entries SET value = ? WHERE project = ? AND key = ?")) {
                update.setBytes(1, stored);
                update.setString(2, project.value());
                update.setString(3, key);
                return update.executeUpdate();
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Override
    public SessionRepository sessionsOn(ValueCodec values) {
        return new SealedSessionRepository(new EmbeddedSessionRepository(db, Clock.systemUTC()), values);
    }

    @Override
    public String storedUserData(SessionId session) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT user_data FROM sessions WHERE id = ?")) {
                select.setString(1, session.value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Override
    public void overwriteStoredUserData(SessionId session, String stored) {
        db.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE sessions SET user_data = ? WHERE id = ?")) {
                update.setString(1, stored);
                update.setString(2, session.value());
                return update.executeUpdate();
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Override
    public boolean storeContains(byte[] needle) {
        try (Stream<Path> files = Files.list(db.directory())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (ValueStore.contains(Files.readAllBytes(file), needle)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
