package infrastructure.embedded;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API key port in the embedded store: one row per key, found by name or by the digest of its
 * secret (never the secret itself); the last use sits in the key's own row, so it goes with the key.
 */
public final class EmbeddedApiKeyRepository implements ApiKeyRepository {

    private static final String COLUMNS = "name, digest, projects, scopes, created_at, expires_at";

    private final EmbeddedDatabase db;

    public EmbeddedApiKeyRepository(EmbeddedDatabase db) {
        this.db = db;
        db.define("""
                CREATE TABLE IF NOT EXISTS api_keys (
                    name TEXT PRIMARY KEY,
                    digest TEXT NOT NULL UNIQUE,
                    projects TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    last_used_at INTEGER
                ) WITHOUT ROWID""");
    }

    @Override
    public Uni<Boolean> create(ApiKey key) {
        return db.write(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) { // the name, or the digest (unique too)
                insert.setString(1, key.name().value());
                insert.setString(2, key.secretDigest());
                insert.setString(3, projects(key.projects()));
                insert.setString(4, key.scopes().stream().map(Scope::wireName).sorted().collect(Collectors.joining(" ")));
                insert.setLong(5, key.createdAt().toEpochMilli());
                insert.setObject(6, key.expiry().map(Instant::toEpochMilli).orElse(null));
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Optional<ApiKey>> findByDigest(String secretDigest) {
        return db.read(c -> one(c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE digest = ?"), secretDigest));
    }

    @Override
    public Uni<Optional<ApiKey>> findByName(ApiKeyName name) {
        return db.read(c -> one(c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE name = ?"), name.value()));
    }

    @Override
    public Uni<List<ApiKey>> list() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY name");
                    ResultSet rows = select.executeQuery()) {
                List<ApiKey> keys = new ArrayList<>();
                while (rows.next()) {
                    keys.add(key(rows));
                }
                return keys;
            }
        });
    }

    @Override
    public Uni<Boolean> delete(ApiKeyName name) {
        return db.write(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM api_keys WHERE name = ?")) {
                delete.setString(1, name.value());
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Void> recordUse(ApiKeyName name, Instant at) {
        return db.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE name = ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setString(2, name.value());
                update.executeUpdate();
                return null;
            }
        });
    }

    @Override
    public Uni<Map<ApiKeyName, Instant>> lastUses(Collection<ApiKeyName> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return db.read(c -> {
            String marks = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT name, last_used_at FROM api_keys WHERE last_used_at IS NOT NULL AND name IN (" + marks + ")")) {
                int i = 1;
                for (ApiKeyName name : names) {
                    select.setString(i++, name.value());
                }
                Map<ApiKeyName, Instant> uses = new HashMap<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        uses.put(ApiKeyName.of(rows.getString(1)), Instant.ofEpochMilli(rows.getLong(2)));
                    }
                }
                return uses;
            }
        });
    }

    private static Optional<ApiKey> one(PreparedStatement select, String value) throws SQLException {
        try (select) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(key(rows)) : Optional.empty();
            }
        }
    }

    /** {@code *} for every project, else the project ids separated by spaces. */
    private static String projects(ProjectAccess access) {
        return access instanceof ProjectAccess.Only only
                ? only.projects().stream().map(ProjectId::value).sorted().collect(Collectors.joining(" "))
                : "*";
    }

    private static ApiKey key(ResultSet row) throws SQLException {
        String projects = row.getString("projects");
        ProjectAccess access = "*".equals(projects) ? ProjectAccess.all()
                : ProjectAccess.only(Arrays.stream(projects.split(" ")).map(ProjectId::of).collect(Collectors.toSet()));
        Set<Scope> scopes = Arrays.stream(row.getString("scopes").split(" ")).map(Scope::parse).collect(Collectors.toSet());
        long expiresAt = row.getLong("expires_at");
        Instant expiry = row.wasNull() ? null : Instant.ofEpochMilli(expiresAt);
        return new ApiKey(ApiKeyName.of(row.getString("name")), row.getString("digest"), access, scopes,
                Instant.ofEpochMilli(row.getLong("created_at")), expiry);
    }
}
