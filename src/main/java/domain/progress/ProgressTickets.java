package domain.progress;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The port to the store of stream tickets, shared by every instance so a ticket issued through
 * one opens a stream on another. Tickets are kept under the digest of their secret.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface ProgressTickets {

    /** Keeps {@code ticket} under {@code digest} for {@code ttl}. */
    Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl);

    /**
     * Opens the ticket kept under {@code digest} for the stream of {@code operation} of
     * {@code project}: counts the opening and keeps the ticket for {@code keepFor} from now, in one
     * atomic step, so that concurrent openings get distinct numbers. Empty, and nothing changed,
     * when it was never issued for that operation of that project, or has expired.
     */
    Uni<Optional<ProgressTicket.Opening>> open(ProjectId project, ProgressId operation, String digest, Duration keepFor);

    /** The number of the ticket's latest opening; empty once it has expired, 0 when it was never opened. */
    Uni<OptionalLong> latestOpening(ProjectId project, String digest);
}
