package infrastructure.embedded;

import domain.project.ProjectId;
import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import infrastructure.memory.RateLimitCounters;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rate limit port in the embedded store: one row per key and window (the fixed window last
 * counted in and its two counts), every window of a policy decided by {@link RateLimitCounters} and
 * counted in one write; a key's rows expire together, two of its longest windows after it last counted.
 */
public final class EmbeddedRateLimitRepository implements RateLimitRepository {

    private static final int SWEEP_BATCH = 500;
    private static final String KEY = "project = ? AND policy = ? AND scope = ? AND identifier = ?";

    private final EmbeddedDatabase db;
    private final Clock clock;

    public EmbeddedRateLimitRepository(EmbeddedDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        // project is '' for the service's own API counters: no project id is empty, so they meet no project's.
        db.define("""
                CREATE TABLE IF NOT EXISTS rate_limit_windows (
                    project TEXT NOT NULL,
                    policy TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    identifier TEXT NOT NULL,
                    window_seconds INTEGER NOT NULL,
                    fixed_index INTEGER NOT NULL,
                    current_count INTEGER NOT NULL,
                    previous_count INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (project, policy, scope, identifier, window_seconds)
                )""",
                "CREATE INDEX IF NOT EXISTS rate_limit_windows_expiry ON rate_limit_windows (expires_at)");
        db.sweepEvery(SWEEP_BATCH, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM rate_limit_windows WHERE rowid IN "
                    + "(SELECT rowid FROM rate_limit_windows WHERE expires_at <= ? LIMIT " + SWEEP_BATCH + ")")) {
                delete.setLong(1, clock.millis());
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return db.write(c -> {
            long now = clock.millis();
            Loaded loaded = load(c, key, now);
            Consumption consumption = loaded.counters.check(policy, cost, now);
            if (consumption.admitted()) {
                store(c, key, policy, loaded, now);
            }
            return consumption;
        });
    }

    @Override
    public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
        if (most < 1) {
            throw new IllegalArgumentException("a lease asks for at least one unit");
        }
        return db.write(c -> {
            long now = clock.millis();
            Loaded loaded = load(c, key, now);
            Grant grant = loaded.counters.lease(policy, most, now);
            if (grant.units() > 0) {
                store(c, key, policy, loaded, now);
            }
            return grant;
        });
    }

    /** One read; writes nothing, as a peek creates no key. */
    @Override
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return db.read(c -> {
            long now = clock.millis();
            return load(c, key, now).counters.check(policy, 0, now).states();
        });
    }

    @Override
    public Uni<Void> reset(RateLimitKey key) {
        return db.write(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM rate_limit_windows WHERE " + KEY)) {
                bind(delete, 1, key);
                delete.executeUpdate();
            }
            return null;
        });
    }

    /**
     * A key's rows as read: its live counters (an expired key counts as none, as a key Redis let go),
     * whether expired rows remain, and the windows of its live rows.
     */
    private record Loaded(RateLimitCounters counters, boolean expiredRows, Set<Long> windows) {
    }

    private static Loaded load(Connection c, RateLimitKey key, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT window_seconds, fixed_index, current_count, previous_count, "
                + "expires_at FROM rate_limit_windows WHERE " + KEY)) {
            bind(select, 1, key);
            List<RateLimitCounters.FixedWindows> windows = new ArrayList<>();
            Set<Long> seconds = new HashSet<>();
            boolean expired = false;
            long expiresAt = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getLong(5) <= now) {
                        expired = true;
                        continue;
                    }
                    windows.add(new RateLimitCounters.FixedWindows(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)));
                    seconds.add(rows.getLong(1));
                    expiresAt = Math.max(expiresAt, rows.getLong(5));
                }
            }
            return new Loaded(new RateLimitCounters(windows, expiresAt), expired, seconds);
        }
    }

    /**
     * Writes the policy's windows after counting, and moves the expiry of every window of the key
     * with them; rows of the key that expired go first, so that none comes back to life. The
     * statements beyond the write itself run only when needed: a delete when a row expired, an
     * update when the key holds windows the policy no longer has.
     */
    private static void store(Connection c, RateLimitKey key, RateLimitPolicy policy, Loaded loaded, long now)
            throws SQLException {
        RateLimitCounters counters = loaded.counters;
        long expiresAt = counters.expiresAtMillis();
        if (loaded.expiredRows) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM rate_limit_windows WHERE " + KEY + " AND expires_at <= ?")) {
                bind(delete, 1, key);
                delete.setLong(5, now);
                delete.executeUpdate();
            }
        }
        List<RateLimitCounters.FixedWindows> written = counters.windowsOf(policy);
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO rate_limit_windows (project, policy, scope, identifier, "
                + "window_seconds, fixed_index, current_count, previous_count, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (project, policy, scope, identifier, window_seconds) DO UPDATE SET fixed_index = excluded.fixed_index, "
                + "current_count = excluded.current_count, previous_count = excluded.previous_count, expires_at = excluded.expires_at")) {
            for (RateLimitCounters.FixedWindows window : written) {
                bind(upsert, 1, key);
                upsert.setLong(5, window.windowSeconds());
                upsert.setLong(6, window.index());
                upsert.setLong(7, window.current());
                upsert.setLong(8, window.previous());
                upsert.setLong(9, expiresAt);
                if (written.size() == 1) {
                    upsert.executeUpdate();
                } else {
                    upsert.addBatch();
                }
            }
            if (written.size() > 1) {
                upsert.executeBatch();
            }
        }
        Set<Long> others = new HashSet<>(loaded.windows);
        written.forEach(window -> others.remove(window.windowSeconds()));
        if (!others.isEmpty()) {
            try (PreparedStatement update = c.prepareStatement("UPDATE rate_limit_windows SET expires_at = ? WHERE " + KEY)) {
                update.setLong(1, expiresAt);
                bind(update, 2, key);
                update.executeUpdate();
            }
        }
    }

    /** Binds the key's four columns from parameter {@code at} on. */
    private static void bind(PreparedStatement statement, int at, RateLimitKey key) throws SQLException {
        statement.setString(at, key.project().map(ProjectId::value).orElse(""));
        statement.setString(at + 1, key.policy().value());
        statement.setString(at + 2, key.identifier().scope().wireName());
        statement.setString(at + 3, key.identifier().value());
    }
}
