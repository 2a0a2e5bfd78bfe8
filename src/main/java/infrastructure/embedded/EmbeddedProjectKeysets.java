package infrastructure.embedded;

import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.encryption.ProjectKeysets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import domain.encryption.WrappedKeyset;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The wrapped keysets in the embedded store: a row per owner (its {@code project} column holds a
 * project id, or {@code _sessions}), with no expiry (a keyset must outlive every value encrypted under
 * it); a shred deletes the row.
 */
public final class EmbeddedProjectKeysets implements ProjectKeysets {

    private final EmbeddedDatabase db;

    public EmbeddedProjectKeysets(EmbeddedDatabase db) {
        this.db = db;
        db.define("""
                CREATE TABLE IF NOT EXISTS project_keysets (
                    project TEXT PRIMARY KEY,
                    kek_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    keyset BLOB NOT NULL
                ) WITHOUT ROWID""", """
                CREATE TABLE IF NOT EXISTS key_rotations (
                    project TEXT PRIMARY KEY,
                    primary_key INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER
                ) WITHOUT ROWID""");
    }

    @Override
    public Uni<Optional<WrappedKeyset>> find(KeysetOwner owner) {
        return db.read(c -> find(c, owner));
    }

    @Override
    public Uni<WrappedKeyset> createIfAbsent(KeysetOwner owner, WrappedKeyset keyset) {
        if (keyset.revision() != 1) {
            return Uni.createFrom().failure(new IllegalArgumentException("a new keyset is at revision 1"));
        }
        return db.write(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO project_keysets (project, kek_id, revision, keyset) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, owner.value());
                insert.setString(2, keyset.kekId());
                insert.setBytes(3, keyset.bytes());
                insert.executeUpdate();
            }
            return find(c, owner).orElseThrow();
        });
    }

    @Override
    public Uni<Boolean> replace(KeysetOwner owner, WrappedKeyset next) {
        return db.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE project_keysets SET kek_id = ?, revision = ?, keyset = ? WHERE project = ? AND revision = ?")) {
                update.setString(1, next.kekId());
                update.setLong(2, next.revision());
                update.setBytes(3, next.bytes());
                update.setString(4, owner.value());
                update.setLong(5, next.revision() - 1);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Boolean> destroy(KeysetOwner owner) {
        return db.write(c -> {
            try (PreparedStatement forget = c.prepareStatement("DELETE FROM key_rotations WHERE project = ?")) {
                forget.setString(1, owner.value());
                forget.executeUpdate();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM project_keysets WHERE project = ?")) {
                delete.setString(1, owner.value());
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Void> saveRotation(KeyRotation rotation) {
        return db.write(c -> {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO key_rotations (project, primary_key, started_at, finished_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (project) DO UPDATE SET primary_key = excluded.primary_key, started_at = excluded.started_at,
                        finished_at = excluded.finished_at""")) {
                upsert.setString(1, rotation.owner().value());
                upsert.setLong(2, rotation.primaryKeyId());
                upsert.setLong(3, rotation.startedAt().toEpochMilli());
                if (rotation.finishedAt().isPresent()) {
                    upsert.setLong(4, rotation.finishedAt().get().toEpochMilli());
                } else {
                    upsert.setNull(4, java.sql.Types.INTEGER);
                }
                upsert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Uni<List<KeyRotation>> rotations() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT project, primary_key, started_at, finished_at FROM key_rotations ORDER BY project");
                    ResultSet rs = select.executeQuery()) {
                List<KeyRotation> all = new ArrayList<>();
                while (rs.next()) {
                    long finished = rs.getLong(4);
                    Optional<Instant> finishedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finished));
                    all.add(new KeyRotation(new KeysetOwner(rs.getString(1)), (int) rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)),
                            finishedAt));
                }
                return all;
            }
        });
    }

    private static Optional<WrappedKeyset> find(Connection c, KeysetOwner owner) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT kek_id, revision, keyset FROM project_keysets WHERE project = ?")) {
            select.setString(1, owner.value());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new WrappedKeyset(rs.getString(1), rs.getBytes(3), rs.getLong(2))) : Optional.empty();
            }
        }
    }
}
