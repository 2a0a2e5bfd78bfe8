package domain.progress;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;

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
     * Takes the ticket kept under {@code digest} in {@code project}: answers it and forgets it in
     * one atomic step, so two concurrent takes of one ticket never both succeed. Empty when it was
     * never issued, was taken already, or expired.
     */
    Uni<Optional<ProgressTicket>> take(ProjectId project, String digest);
}
