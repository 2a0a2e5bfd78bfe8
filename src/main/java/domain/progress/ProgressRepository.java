package domain.progress;

import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;

/**
 * The port to the store of operations: each one's state and a bounded history of its events,
 * expiring {@code ttl} after its last update; and live delivery of new events to followers on
 * every instance sharing the store.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface ProgressRepository {

    /** Stores a new operation with its {@code started} event (sequence 1); false when the id is taken in the project. */
    default Uni<Boolean> start(Progress progress) {
        return start(progress, Duration.ZERO);
    }

    /**
     * Stores a new operation as {@link #start(Progress)} does, kept {@code keptAtLeast} until its first
     * change when that is longer than the ttl (an operation that waits for its work to begin, such as
     * a queued task's); every change then keeps it the ttl, as any.
     */
    Uni<Boolean> start(Progress progress, Duration keptAtLeast);

    /**
     * Stores an operation as another store held it (an import): its state and its retained events,
     * their sequences as they were (ascending, the last one {@code progress.lastSequence()}), unless the
     * project holds a live operation of that id; answers whether it stored it. It is kept {@code kept}
     * from now; followers are not told (none can follow an operation that did not exist).
     */
    Uni<Boolean> restore(Progress progress, java.util.List<ProgressEvent> events, Duration kept);

    /**
     * Every project holding at least one live operation, in id order: for an operator's listing, never
     * a request path (on Redis a SCAN of the key space, then one count per project found).
     */
    Uni<java.util.List<ProjectId>> projects();

    /**
     * Records a change atomically: new state, one event with the next sequence, history trimmed
     * to the newest {@code maxRetained} events, expiry moved, and the event published to followers.
     * Refused on an ended operation.
     */
    Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change);

    Uni<Optional<Progress>> find(ProjectId project, ProgressId id);

    /**
     * Up to {@code limit} live operations of the project with ids after {@code after}, in id order
     * (ids compare as strings of bytes). Operations that expire are left out.
     */
    Uni<ProgressPage> list(ProjectId project, Optional<ProgressId> after, int limit);

    /** The retained events with a sequence above {@code after}, oldest first. */
    Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after);

    /**
     * Events of the operation recorded through any instance from the moment the returned Uni
     * completes: by then the store delivers to the follower, and events are buffered until the
     * stream is subscribed, so "follow, then read {@link #eventsAfter}, then merge by sequence"
     * loses nothing. At most once otherwise: a follower that may have missed events (a lost
     * connection) catches up with {@link #eventsAfter}. The caller must subscribe to, and in the
     * end cancel, the stream.
     */
    Uni<Multi<ProgressEvent>> follow(ProjectId project, ProgressId id);

    /** The settings every adapter applies: retained events and time to live. */
    record Retention(int maxRetained, Duration ttl) {
    }
}
