package infrastructure.embedded;

import domain.progress.ProgressId;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stream tickets in the embedded store: a row per ticket under the digest of its secret (never the
 * secret), expiring with the ticket; each opening checked, counted and the ticket's life extended in
 * one write.
 */
public final class EmbeddedProgressTickets implements ProgressTickets {

    private static final int SWEEP_BATCH = 500;

    private final EmbeddedDatabase db;
    private final Clock clock;

    public EmbeddedProgressTickets(EmbeddedDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        db.define("""
                CREATE TABLE IF NOT EXISTS progress_tickets (
                    project TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    issued_to TEXT NOT NULL,
                    openings INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (project, digest)
                )""",
                "CREATE INDEX IF NOT EXISTS progress_tickets_expiry ON progress_tickets (expires_at)");
        db.sweepEvery(SWEEP_BATCH, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM progress_tickets WHERE rowid IN "
                    + "(SELECT rowid FROM progress_tickets WHERE expires_at <= ? LIMIT " + SWEEP_BATCH + ")")) {
                delete.setLong(1, clock.millis());
                return delete.executeUpdate();
            }
        });
    }

    /** Replaces a ticket kept under the same digest, as never opened. */
    @Override
    public Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl) {
        return db.write(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO progress_tickets "
                    + "(project, digest, operation, issued_to, openings, expires_at) VALUES (?, ?, ?, ?, 0, ?)")) {
                insert.setString(1, ticket.project().value());
                insert.setString(2, digest);
                insert.setString(3, ticket.operation().value());
                insert.setString(4, ticket.issuedTo());
                insert.setLong(5, clock.millis() + Math.max(1, ttl.toMillis()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Uni<Optional<ProgressTicket.Opening>> open(ProjectId project, ProgressId operation, String digest, Duration keepFor) {
        return db.write(c -> {
            long now = clock.millis();
            ProgressTicket ticket;
            long openings;
            try (PreparedStatement select = c.prepareStatement("SELECT operation, issued_to, openings FROM progress_tickets "
                    + "WHERE project = ? AND digest = ? AND expires_at > ?")) {
                select.setString(1, project.value());
                select.setString(2, digest);
                select.setLong(3, now);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<ProgressTicket.Opening>empty();
                    }
                    ticket = new ProgressTicket(project, ProgressId.of(row.getString(1)), row.getString(2));
                    openings = row.getLong(3);
                }
            }
            if (!ticket.opens(project, operation)) {
                return Optional.<ProgressTicket.Opening>empty();
            }
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE progress_tickets SET openings = ?, expires_at = ? WHERE project = ? AND digest = ?")) {
                update.setLong(1, openings + 1);
                update.setLong(2, now + Math.max(1, keepFor.toMillis()));
                update.setString(3, project.value());
                update.setString(4, digest);
                update.executeUpdate();
            }
            return Optional.of(new ProgressTicket.Opening(ticket, digest, openings + 1));
        });
    }

    @Override
    public Uni<OptionalLong> latestOpening(ProjectId project, String digest) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT openings FROM progress_tickets WHERE project = ? AND digest = ? AND expires_at > ?")) {
                select.setString(1, project.value());
                select.setString(2, digest);
                select.setLong(3, clock.millis());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }
}
