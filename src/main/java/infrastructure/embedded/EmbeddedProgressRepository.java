package infrastructure.embedded;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import infrastructure.memory.ProgressFollowers;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The progress port in the embedded store: a row per operation with its state and expiry, and a row
 * per retained event, each change decided by {@link Progress#apply} and written in one write; the
 * events live and go with their operation. Followers are this process's ({@link ProgressFollowers}),
 * handed each event once its write has committed.
 *
 * <p>Events are published on the writer, right after their commit: in sequence, and even when the
 * caller that recorded one stopped waiting for its answer.
 */
public final class EmbeddedProgressRepository implements ProgressRepository {

    /**
     * Operations deleted by one sweep write at most; each takes up to {@code maxRetained} events
     * with it, so the bound is lower than for single-row tables.
     */
    private static final int SWEEP_BATCH = 50;
    /** Events recorded between two trims of an operation's oldest ones; reads skip those not trimmed yet. */
    private static final int TRIM_EVERY = 64;
    private static final String STATE = "total_steps, current_step, status, message, started_at, updated_at, last_sequence";

    private final EmbeddedDatabase db;
    private final Clock clock;
    private final Retention retention;
    private final ProgressFollowers followers = new ProgressFollowers();

    public EmbeddedProgressRepository(EmbeddedDatabase db, Clock clock, Retention retention) {
        this.db = db;
        this.clock = clock;
        this.retention = retention;
        // Events have no expiry of their own: the sweep deletes them with their operation, and every
        // read of them joins the operation's row and its expiry.
        db.define("""
                CREATE TABLE IF NOT EXISTS progress (
                    project TEXT NOT NULL,
                    id TEXT NOT NULL,
                    total_steps INTEGER NOT NULL,
                    current_step INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    message TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    last_sequence INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (project, id)
                )""",
                "CREATE INDEX IF NOT EXISTS progress_expiry ON progress (expires_at)", """
                CREATE TABLE IF NOT EXISTS progress_events (
                    project TEXT NOT NULL,
                    id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (project, id, sequence)
                ) WITHOUT ROWID""");
        db.sweepEvery(SWEEP_BATCH, this::sweep);
    }

    @Override
    public Uni<Boolean> start(Progress progress, Duration keptAtLeast) {
        // A start is the restore of an operation whose one event is its start.
        return restore(progress, List.of(progress.startedEvent()), keptAtLeast.compareTo(retention.ttl()) > 0 ? keptAtLeast : retention.ttl());
    }

    @Override
    public Uni<List<ProjectId>> projects() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT DISTINCT project FROM progress WHERE expires_at > ? ORDER BY project")) {
                select.setLong(1, clock.millis());
                List<ProjectId> projects = new java.util.ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        projects.add(ProjectId.of(rows.getString(1)));
                    }
                }
                return projects;
            }
        });
    }

    @Override
    public Uni<Boolean> restore(Progress progress, List<ProgressEvent> events, Duration kept) {
        return db.write(c -> {
            // The id may be an expired operation's, not swept yet: its history goes, and its row is replaced.
            long now = clock.millis();
            try (PreparedStatement select = c.prepareStatement("SELECT expires_at FROM progress WHERE project = ? AND id = ?")) {
                bind(select, progress.project(), progress.id());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next() && row.getLong(1) > now) {
                        return false;
                    }
                }
            }
            deleteEvents(c, progress.project(), progress.id());
            try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO progress (project, id, " + STATE
                    + ", expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, progress.project(), progress.id());
                insert.setLong(3, progress.totalSteps());
                insert.setLong(4, progress.currentStep());
                insert.setString(5, progress.status().name());
                insert.setString(6, progress.message());
                insert.setLong(7, progress.startedAt().toEpochMilli());
                insert.setLong(8, progress.updatedAt().toEpochMilli());
                insert.setLong(9, progress.lastSequence());
                insert.setLong(10, now + kept.toMillis());
                insert.executeUpdate();
            }
            for (ProgressEvent event : events) {
                insertEvent(c, progress.project(), progress.id(), event);
            }
            return true;
        });
    }

    @Override
    public Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change) {
        return db.write(c -> {
            long now = clock.millis();
            Optional<Progress> found = live(c, project, id, now);
            if (found.isEmpty()) {
                return (RecordOutcome) new RecordOutcome.Unknown();
            }
            RecordOutcome outcome = found.get().apply(change, Instant.ofEpochMilli(now));
            if (outcome instanceof RecordOutcome.Recorded recorded) {
                Progress after = recorded.progress();
                try (PreparedStatement update = c.prepareStatement("UPDATE progress SET current_step = ?, status = ?, message = ?, "
                        + "updated_at = ?, last_sequence = ?, expires_at = ? WHERE project = ? AND id = ?")) {
                    update.setLong(1, after.currentStep());
                    update.setString(2, after.status().name());
                    update.setString(3, after.message());
                    update.setLong(4, after.updatedAt().toEpochMilli());
                    update.setLong(5, after.lastSequence());
                    update.setLong(6, now + retention.ttl().toMillis());
                    update.setString(7, project.value());
                    update.setString(8, id.value());
                    update.executeUpdate();
                }
                insertEvent(c, project, id, recorded.event());
                long oldestKept = recorded.event().sequence() - retention.maxRetained() + 1;
                // Trimmed every TRIM_EVERY events, not every one: reads skip the few older rows still there.
                if (oldestKept > 1 && recorded.event().sequence() % TRIM_EVERY == 0) {
                    try (PreparedStatement trim = c.prepareStatement(
                            "DELETE FROM progress_events WHERE project = ? AND id = ? AND sequence < ?")) {
                        bind(trim, project, id);
                        trim.setLong(3, oldestKept);
                        trim.executeUpdate();
                    }
                }
            }
            return outcome;
        }, outcome -> {
            // Only now is the event committed, and in commit order: a follower never hears of one the history could
            // lack, hears them in sequence, and hears of it even when its writer stopped waiting.
            if (outcome instanceof RecordOutcome.Recorded recorded) {
                followers.publish(project, id, recorded.event());
            }
        });
    }

    @Override
    public Uni<Optional<Progress>> find(ProjectId project, ProgressId id) {
        return db.read(c -> live(c, project, id, clock.millis()));
    }

    @Override
    public Uni<ProgressPage> list(ProjectId project, Optional<ProgressId> after, int limit) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id, " + STATE + " FROM progress WHERE project = ? "
                    + "AND id > ? AND expires_at > ? ORDER BY id LIMIT ?")) {
                select.setString(1, project.value());
                // Every id is at least one character: '' is before them all.
                select.setString(2, after.map(ProgressId::value).orElse(""));
                select.setLong(3, clock.millis());
                select.setInt(4, limit);
                List<Progress> items = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        items.add(progress(rows, project, ProgressId.of(rows.getString(1)), 2));
                    }
                }
                Optional<ProgressId> next = limit > 0 && items.size() == limit ? Optional.of(items.get(items.size() - 1).id()) : Optional.empty();
                return new ProgressPage(items, next);
            }
        });
    }

    @Override
    public Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT e.sequence, e.type, e.step, e.message, e.at "
                    + "FROM progress_events e JOIN progress p ON p.project = e.project AND p.id = e.id "
                    + "WHERE e.project = ? AND e.id = ? AND e.sequence > ? AND e.sequence > p.last_sequence - ? "
                    + "AND p.expires_at > ? ORDER BY e.sequence")) {
                bind(select, project, id);
                select.setLong(3, after);
                select.setLong(4, retention.maxRetained());
                select.setLong(5, clock.millis());
                List<ProgressEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(new ProgressEvent(rows.getLong(1), ProgressEventType.parse(rows.getString(2)), rows.getLong(3),
                                rows.getString(4), Instant.ofEpochMilli(rows.getLong(5))));
                    }
                }
                // Trimming keeps the newest events: a first one past after + 1 means some were dropped.
                boolean gap = !events.isEmpty() && events.get(0).sequence() > after + 1;
                return new EventsPage(events, gap);
            }
        });
    }

    @Override
    public Uni<Multi<ProgressEvent>> follow(ProjectId project, ProgressId id) {
        return Uni.createFrom().item(() -> followers.follow(project, id));
    }

    /** Deletes up to {@link #SWEEP_BATCH} expired operations with their events; answers how many. */
    private int sweep(Connection c) throws SQLException {
        List<String[]> expired = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(
                "SELECT project, id FROM progress WHERE expires_at <= ? LIMIT " + SWEEP_BATCH)) {
            select.setLong(1, clock.millis());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    expired.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        }
        try (PreparedStatement events = c.prepareStatement("DELETE FROM progress_events WHERE project = ? AND id = ?");
                PreparedStatement operation = c.prepareStatement("DELETE FROM progress WHERE project = ? AND id = ?")) {
            for (String[] key : expired) {
                for (PreparedStatement delete : List.of(events, operation)) {
                    delete.setString(1, key[0]);
                    delete.setString(2, key[1]);
                    delete.executeUpdate();
                }
            }
        }
        return expired.size();
    }

    private static Optional<Progress> live(Connection c, ProjectId project, ProgressId id, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + STATE + " FROM progress WHERE project = ? AND id = ? "
                + "AND expires_at > ?")) {
            bind(select, project, id);
            select.setLong(3, now);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(progress(row, project, id, 1)) : Optional.empty();
            }
        }
    }

    private static void insertEvent(Connection c, ProjectId project, ProgressId id, ProgressEvent event) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO progress_events (project, id, sequence, type, step, "
                + "message, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, project, id);
            insert.setLong(3, event.sequence());
            insert.setString(4, event.type().wireName());
            insert.setLong(5, event.step());
            insert.setString(6, event.message());
            insert.setLong(7, event.at().toEpochMilli());
            insert.executeUpdate();
        }
    }

    private static void deleteEvents(Connection c, ProjectId project, ProgressId id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM progress_events WHERE project = ? AND id = ?")) {
            bind(delete, project, id);
            delete.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, ProjectId project, ProgressId id) throws SQLException {
        statement.setString(1, project.value());
        statement.setString(2, id.value());
    }

    /** The state in the {@link #STATE} columns of {@code row}, from column {@code at}. */
    private static Progress progress(ResultSet row, ProjectId project, ProgressId id, int at) throws SQLException {
        return new Progress(project, id, row.getLong(at), row.getLong(at + 1), ProgressStatus.valueOf(row.getString(at + 2)),
                row.getString(at + 3), Instant.ofEpochMilli(row.getLong(at + 4)), Instant.ofEpochMilli(row.getLong(at + 5)),
                row.getLong(at + 6));
    }
}
