package infrastructure.embedded;

import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The projects' wrapped keysets in the embedded store: a row per project, with no expiry (a keyset
 * must outlive every value encrypted under it); a shred deletes the row.
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
                ) WITHOUT ROWID""");
    }

    @Override
    public Uni<Optional<WrappedKeyset>> find(ProjectId project) {
        return db.read(c -> find(c, project));
    }

    @Override
    public Uni<WrappedKeyset> createIfAbsent(ProjectId project, WrappedKeyset keyset) {
        if (keyset.revision() != 1) {
            return Uni.createFrom().failure(new IllegalArgumentException("a new keyset is at revision 1"));
        }
        return db.write(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO project_keysets (project, kek_id, revision, keyset) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, project.value());
                insert.setString(2, keyset.kekId());
                insert.setBytes(3, keyset.bytes());
                insert.executeUpdate();
            }
            return find(c, project).orElseThrow();
        });
    }

    @Override
    public Uni<Boolean> replace(ProjectId project, WrappedKeyset next) {
        return db.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE project_keysets SET kek_id = ?, revision = ?, keyset = ? WHERE project = ? AND revision = ?")) {
                update.setString(1, next.kekId());
                update.setLong(2, next.revision());
                update.setBytes(3, next.bytes());
                update.setString(4, project.value());
                update.setLong(5, next.revision() - 1);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Boolean> destroy(ProjectId project) {
        return db.write(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM project_keysets WHERE project = ?")) {
                delete.setString(1, project.value());
                return delete.executeUpdate() == 1;
            }
        });
    }

    private static Optional<WrappedKeyset> find(Connection c, ProjectId project) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT kek_id, revision, keyset FROM project_keysets WHERE project = ?")) {
            select.setString(1, project.value());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new WrappedKeyset(rs.getString(1), rs.getBytes(3), rs.getLong(2))) : Optional.empty();
            }
        }
    }
}
