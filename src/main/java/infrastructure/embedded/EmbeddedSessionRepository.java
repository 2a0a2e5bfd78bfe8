package infrastructure.embedded;

import domain.Secrets;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPage;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.StoredSession;
import domain.session.UserId;
import domain.session.UserSession;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The session port in the embedded store: one row per session, found by its public id and opened
 * only by a verifier whose digest matches the stored one (never the token itself), with the user's
 * sessions indexed in creation order.
 *
 * <p>{@code expires_at} is the session's idle expiry ({@link UserSession#idleExpiresAt()}, never
 * past its absolute one), so a session is live exactly while {@code expires_at} is after now, and a
 * sweep reclaims it once that has passed. Creation order is the row's {@code seq}, an alias of the
 * rowid that VACUUM keeps: the oldest session is the one inserted first, as in the in-memory store.
 */
public final class EmbeddedSessionRepository implements SessionRepository {

    private static final int SWEEP_BATCH = 500;
    private static final String COLUMNS =
            "id, user_id, user_data, projects, created_at, last_activity_at, idle_timeout_ms, absolute_expires_at";

    private final EmbeddedDatabase db;
    private final Clock clock;

    public EmbeddedSessionRepository(EmbeddedDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        db.define("""
                CREATE TABLE IF NOT EXISTS sessions (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    user_id TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    user_data TEXT NOT NULL,
                    projects TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_activity_at INTEGER NOT NULL,
                    idle_timeout_ms INTEGER NOT NULL,
                    absolute_expires_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                )""",
                "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, seq)",
                "CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at)");
        db.sweepEvery(SWEEP_BATCH, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM sessions WHERE seq IN "
                    + "(SELECT seq FROM sessions WHERE expires_at <= ? LIMIT " + SWEEP_BATCH + ")")) {
                delete.setLong(1, clock.millis());
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public Uni<List<SessionId>> create(UserSession session, String verifierDigest, int maxPerUser) {
        return db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement prune = c.prepareStatement("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?")) {
                prune.setString(1, session.userId().value());
                prune.setLong(2, now);
                prune.executeUpdate();
            }
            List<SessionId> revoked = new ArrayList<>();
            if (maxPerUser > 0) {
                List<String> oldestFirst = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement("SELECT id FROM sessions WHERE user_id = ? ORDER BY seq")) {
                    select.setString(1, session.userId().value());
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            oldestFirst.add(rows.getString(1));
                        }
                    }
                }
                for (int i = 0; oldestFirst.size() - i >= maxPerUser; i++) {
                    revoked.add(SessionId.of(oldestFirst.get(i)));
                }
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
                    for (SessionId id : revoked) {
                        delete.setString(1, id.value());
                        delete.executeUpdate();
                    }
                }
            }
            // REPLACE, like the in-memory store's put: an id is 128 random bits, so this only matters in theory.
            try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO sessions (" + COLUMNS
                    + ", digest, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, session, verifierDigest);
                insert.executeUpdate();
            }
            return revoked;
        });
    }

    @Override
    public Uni<Optional<UserSession>> open(SessionToken token, boolean touch) {
        String presented = token.verifierDigest();
        if (!touch) {
            return db.read(c -> live(c, token.sessionId(), clock.millis())
                    .filter(s -> Secrets.sameDigest(s.digest, presented)).map(Stored::session));
        }
        return db.write(c -> {
            Instant now = now();
            Optional<Stored> stored = live(c, token.sessionId(), now.toEpochMilli());
            if (stored.isEmpty() || !Secrets.sameDigest(stored.get().digest, presented)) {
                return Optional.empty();
            }
            UserSession touched = stored.get().session.touchedAt(now);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE sessions SET last_activity_at = ?, expires_at = ? WHERE id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setLong(2, touched.idleExpiresAt().toEpochMilli());
                update.setString(3, touched.id().value());
                update.executeUpdate();
            }
            return Optional.of(touched);
        });
    }

    @Override
    public Uni<Optional<UserSession>> find(SessionId id) {
        return db.read(c -> live(c, id, clock.millis()).map(Stored::session));
    }

    @Override
    public Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted) {
        return db.write(c -> {
            Optional<UserSession> changed = live(c, id, clock.millis()).map(Stored::session)
                    .map(s -> granted ? s.granting(project) : s.revoking(project));
            if (changed.isPresent()) {
                try (PreparedStatement update = c.prepareStatement("UPDATE sessions SET projects = ? WHERE id = ?")) {
                    update.setString(1, projects(changed.get().projectAccess()));
                    update.setString(2, id.value());
                    update.executeUpdate();
                }
            }
            return changed;
        });
    }

    @Override
    public Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest) {
        return db.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE sessions SET digest = ? WHERE id = ? AND expires_at > ?")) {
                update.setString(1, verifierDigest);
                update.setString(2, id.value());
                update.setLong(3, clock.millis());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<Boolean> revoke(SessionId id) {
        return db.write(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM sessions WHERE id = ? AND expires_at > ?")) {
                delete.setString(1, id.value());
                delete.setLong(2, clock.millis());
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Uni<List<UserSession>> findByUser(UserId user) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + ", digest FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY seq")) {
                select.setString(1, user.value());
                select.setLong(2, clock.millis());
                List<UserSession> sessions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sessions.add(stored(rows).session);
                    }
                }
                return sessions;
            }
        });
    }

    @Override
    public Uni<Long> revokeAll(UserId user) {
        return db.write(c -> {
            long live;
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT count(*) FROM sessions WHERE user_id = ? AND expires_at > ?")) {
                count.setString(1, user.value());
                count.setLong(2, clock.millis());
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    live = rows.getLong(1);
                }
            }
            // Expired ones go too: they are the user's, and no sweep needs to come for them.
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM sessions WHERE user_id = ?")) {
                delete.setString(1, user.value());
                delete.executeUpdate();
            }
            return live;
        });
    }

    /** In id order (the unique index on {@code id}), the cursor the last id read. */
    @Override
    public Uni<SessionPage> page(String cursor, int limit) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + ", digest FROM sessions WHERE id > ? AND expires_at > ? ORDER BY id LIMIT ?")) {
                select.setString(1, cursor);
                select.setLong(2, clock.millis());
                select.setInt(3, limit);
                List<StoredSession> sessions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Stored stored = stored(rows);
                        sessions.add(new StoredSession(stored.session, stored.digest));
                    }
                }
                Optional<String> next = sessions.size() < limit ? Optional.empty()
                        : Optional.of(sessions.get(sessions.size() - 1).session().id().value());
                return new SessionPage(sessions, 0, next);
            }
        });
    }

    @Override
    public Uni<Boolean> restore(StoredSession stored) {
        UserSession session = stored.session();
        return db.write(c -> {
            long now = clock.millis();
            if (!session.isActiveAt(Instant.ofEpochMilli(now)) || live(c, session.id(), now).isPresent()) {
                return false;
            }
            // REPLACE: a row of the id that is no longer live may still wait for the sweep.
            try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO sessions (" + COLUMNS
                    + ", digest, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, session, stored.verifierDigest());
                insert.executeUpdate();
            }
            return true;
        });
    }

    /** The row's ten values, in the order of {@link #COLUMNS}, then the digest and the idle expiry. */
    private static void bind(PreparedStatement insert, UserSession session, String verifierDigest) throws SQLException {
        insert.setString(1, session.id().value());
        insert.setString(2, session.userId().value());
        insert.setString(3, session.userData());
        insert.setString(4, projects(session.projectAccess()));
        insert.setLong(5, session.createdAt().toEpochMilli());
        insert.setLong(6, session.lastActivityAt().toEpochMilli());
        insert.setLong(7, session.idleTimeout().toMillis());
        insert.setLong(8, session.absoluteExpiresAt().toEpochMilli());
        insert.setString(9, verifierDigest);
        insert.setLong(10, session.idleExpiresAt().toEpochMilli());
    }

    private static Optional<Stored> live(Connection c, SessionId id, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                + ", digest FROM sessions WHERE id = ? AND expires_at > ?")) {
            select.setString(1, id.value());
            select.setLong(2, now);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(stored(rows)) : Optional.empty();
            }
        }
    }

    private static Stored stored(ResultSet row) throws SQLException {
        String projects = row.getString("projects");
        Set<ProjectId> access = projects.isEmpty() ? Set.of()
                : Arrays.stream(projects.split(" ")).map(ProjectId::of).collect(Collectors.toSet());
        UserSession session = new UserSession(SessionId.of(row.getString("id")), UserId.of(row.getString("user_id")),
                row.getString("user_data"), access, Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("last_activity_at")), Duration.ofMillis(row.getLong("idle_timeout_ms")),
                Instant.ofEpochMilli(row.getLong("absolute_expires_at")));
        return new Stored(session, row.getString("digest"));
    }

    /** The project ids separated by spaces, which no project id contains; empty for none. */
    private static String projects(Set<ProjectId> projects) {
        return projects.stream().map(ProjectId::value).sorted().collect(Collectors.joining(" "));
    }

    /** Millisecond precision, like every other store. */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private record Stored(UserSession session, String digest) {
    }
}
