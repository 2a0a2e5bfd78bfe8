package infrastructure.memory;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressRepository;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The progress port in process memory: per operation its state and a bounded deque of events,
 * each operation changed atomically in the map's compute and forgotten {@code ttl} after its last
 * update; followers are this process's subscribers.
 */
public final class InMemoryProgressRepository implements ProgressRepository {

    private final Clock clock;
    private final Retention retention;
    private final ConcurrentHashMap<Key, Operation> operations = new ConcurrentHashMap<>();
    private final ProgressFollowers followers = new ProgressFollowers();
    /** Each project's operation ids in order, for listing; an id whose operation is gone is dropped when met. */
    private final Map<ProjectId, NavigableSet<String>> index = new ConcurrentHashMap<>();

    public InMemoryProgressRepository(Clock clock, Retention retention) {
        this.clock = clock;
        this.retention = retention;
    }

    private record Key(ProjectId project, ProgressId id) {
    }

    /** One operation; only touched inside the map's compute. */
    private static final class Operation {
        Progress progress;
        final Deque<ProgressEvent> events = new ArrayDeque<>();
        long expiresAtMillis;
    }

    @Override
    public Uni<Boolean> start(Progress progress, Duration keptAtLeast) {
        // A start is the restore of an operation whose one event is its start.
        return restore(progress, List.of(progress.startedEvent()), keptAtLeast.compareTo(retention.ttl()) > 0 ? keptAtLeast : retention.ttl());
    }

    @Override
    public Uni<Boolean> restore(Progress progress, List<ProgressEvent> events, Duration kept) {
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            boolean[] stored = {false};
            operations.compute(new Key(progress.project(), progress.id()), (k, op) -> {
                if (op != null && op.expiresAtMillis > now) {
                    return op;
                }
                Operation restored = new Operation();
                restored.progress = progress;
                restored.events.addAll(events);
                restored.expiresAtMillis = now + kept.toMillis();
                stored[0] = true;
                // Index changes happen under the operation's lock, so a concurrent drop cannot undo this.
                index.computeIfAbsent(progress.project(), p -> new ConcurrentSkipListSet<>()).add(progress.id().value());
                return restored;
            });
            return stored[0];
        });
    }

    @Override
    public Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change) {
        return Uni.createFrom().item(() -> {
            Key key = new Key(project, id);
            Instant now = Instant.ofEpochMilli(clock.millis());
            RecordOutcome[] outcome = {new RecordOutcome.Unknown()};
            operations.computeIfPresent(key, (k, op) -> {
                if (op.expiresAtMillis <= now.toEpochMilli()) {
                    return null;
                }
                outcome[0] = apply(op, change, now);
                if (outcome[0] instanceof RecordOutcome.Recorded recorded) {
                    // Under the operation's lock, so followers get events in sequence order.
                    followers.publish(project, id, recorded.event());
                }
                return op;
            });
            return outcome[0];
        });
    }

    private RecordOutcome apply(Operation op, ProgressChange change, Instant now) {
        RecordOutcome outcome = op.progress.apply(change, now);
        if (outcome instanceof RecordOutcome.Recorded recorded) {
            op.progress = recorded.progress();
            op.events.addLast(recorded.event());
            while (op.events.size() > retention.maxRetained()) {
                op.events.removeFirst();
            }
            op.expiresAtMillis = now.toEpochMilli() + retention.ttl().toMillis();
        }
        return outcome;
    }

    @Override
    public Uni<Optional<Progress>> find(ProjectId project, ProgressId id) {
        return Uni.createFrom().item(() -> Optional.ofNullable(live(new Key(project, id))).map(op -> op.progress));
    }

    @Override
    public Uni<ProgressPage> list(ProjectId project, Optional<ProgressId> after, int limit) {
        return Uni.createFrom().item(() -> {
            NavigableSet<String> ids = index.getOrDefault(project, new ConcurrentSkipListSet<>());
            List<Progress> items = new ArrayList<>();
            String last = null;
            int examined = 0;
            for (String id : after.map(a -> ids.tailSet(a.value(), false)).orElse(ids)) {
                if (examined == limit) {
                    break;
                }
                examined++;
                last = id;
                Operation op = liveOrUnlisted(new Key(project, ProgressId.of(id)));
                if (op != null) {
                    items.add(op.progress);
                }
            }
            return new ProgressPage(items, examined == limit ? Optional.of(ProgressId.of(last)) : Optional.empty());
        });
    }

    @Override
    public Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after) {
        return Uni.createFrom().item(() -> {
            List<ProgressEvent> events = new ArrayList<>();
            long now = clock.millis();
            operations.computeIfPresent(new Key(project, id), (k, op) -> {
                if (op.expiresAtMillis <= now) {
                    return null;
                }
                op.events.stream().filter(e -> e.sequence() > after).forEach(events::add);
                return op;
            });
            boolean gap = !events.isEmpty() && events.get(0).sequence() > after + 1;
            return new EventsPage(events, gap);
        });
    }

    @Override
    public Uni<Multi<ProgressEvent>> follow(ProjectId project, ProgressId id) {
        return Uni.createFrom().item(() -> followers.follow(project, id));
    }

    /** Forgets every operation whose time to live passed since its last update. */
    public void sweepExpired() {
        long now = clock.millis();
        index.forEach((project, ids) -> ids.forEach(id -> liveOrUnlisted(new Key(project, ProgressId.of(id)))));
        operations.forEach((key, ignored) -> operations.computeIfPresent(key, (k, op) -> op.expiresAtMillis <= now ? null : op));
    }

    /** Operations held now, expired ones not yet swept included. */
    public int size() {
        return operations.size();
    }

    @Override
    public Uni<List<ProjectId>> projects() {
        return Uni.createFrom().item(() -> index.entrySet().stream()
                .filter(project -> project.getValue().stream()
                        .anyMatch(id -> liveOrUnlisted(new Key(project.getKey(), ProgressId.of(id))) != null))
                .map(Map.Entry::getKey)
                .sorted(java.util.Comparator.comparing(ProjectId::value))
                .toList());
    }

    /** The live operation under {@code key}; when there is none, its id leaves the index, under the key's lock. */
    private Operation liveOrUnlisted(Key key) {
        long now = clock.millis();
        Operation[] found = {null};
        operations.compute(key, (k, op) -> {
            if (op == null || op.expiresAtMillis <= now) {
                NavigableSet<String> ids = index.get(k.project());
                if (ids != null) {
                    ids.remove(k.id().value());
                }
                return null;
            }
            found[0] = op;
            return op;
        });
        return found[0];
    }

    private Operation live(Key key) {
        long now = clock.millis();
        Operation[] found = {null};
        operations.computeIfPresent(key, (k, op) -> {
            if (op.expiresAtMillis <= now) {
                return null;
            }
            found[0] = op;
            return op;
        });
        return found[0];
    }
}
