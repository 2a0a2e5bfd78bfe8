package application;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import domain.progress.StreamItem;
import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * The operations followed on this instance, each with one live feed from the store that all its
 * followers share: one subscription, one state kept current by the events it delivers, and each
 * event handed to every follower as the same item, in one task per executor (one per event loop).
 *
 * <p>So a thousand followers of one operation cost the store one subscription and, while the
 * feed's state can be trusted, no read at all when they open their streams: the state is read once
 * (one read shared by everyone who joined meanwhile) and moved on by each event in sequence. It is
 * trusted while its events came in sequence, it was confirmed (read, or moved on by an event)
 * within {@code trustFor}, and the operation has not expired by then. Otherwise a joiner reads the
 * store, as live delivery is at most once: a follower that lost events finds them in the history.
 */
final class ProgressFeeds {

    /** Events a feed keeps to move a freshly read state on by the events that arrived while it was read. */
    private static final int RECENT = 256;
    private static final EventsPage NOTHING = new EventsPage(List.of(), false);

    private final BiFunction<ProjectId, ProgressId, Uni<Optional<Progress>>> read;
    private final ProgressRepository store;
    private final Clock clock;
    private final Duration trustFor;
    private final Duration ttl;
    private final RequestContexts contexts;
    private final ConcurrentHashMap<Key, Feed> feeds = new ConcurrentHashMap<>();

    /**
     * @param read     reads an operation's state from the store (with whatever retry the caller wants)
     * @param trustFor how long a confirmed state stands in for a store read
     * @param ttl      how long an operation lives after its last update
     * @param contexts where an opening, read or page shared by several followers is handed back to each
     */
    ProgressFeeds(ProgressRepository store, BiFunction<ProjectId, ProgressId, Uni<Optional<Progress>>> read, Clock clock,
            Duration trustFor, Duration ttl, RequestContexts contexts) {
        this.store = store;
        this.contexts = contexts;
        this.read = read;
        this.clock = clock;
        this.trustFor = trustFor;
        this.ttl = ttl;
    }

    private record Key(ProjectId project, ProgressId id) {
    }

    /**
     * Joins the operation's feed, opening it when this is its first follower on the instance. From
     * the moment the returned Uni completes, every event the store delivers reaches the member's
     * {@link Member#live()}, run on {@code deliverOn}. The member must {@link Member#leave()} in the end
     * (cancelling or ending its live stream does).
     */
    Uni<Member> join(ProjectId project, ProgressId id, Executor deliverOn) {
        Key key = new Key(project, id);
        Member[] joined = {null};
        Feed feed = feeds.compute(key, (k, existing) -> {
            Feed target = existing == null || existing.broken ? new Feed(k) : existing;
            joined[0] = target.add(deliverOn);
            return target;
        });
        Member member = joined[0];
        return contexts.onCaller(feed.opened()).onFailure().invoke(member::leave).onCancellation().invoke(member::leave).replaceWith(member);
    }

    /** Feeds open on this instance. */
    int size() {
        return feeds.size();
    }

    /** One follower's place in its operation's feed. */
    final class Member {

        private final Feed feed;
        private final Executor executor;
        private final UnicastProcessor<StreamItem.Event> live = UnicastProcessor.create();
        private final AtomicBoolean left = new AtomicBoolean();

        private Member(Feed feed, Executor executor) {
            this.feed = feed;
            this.executor = executor;
        }

        ProjectId project() {
            return feed.key.project();
        }

        /** The events delivered since the member joined, buffered until subscribed; its end leaves the feed. */
        Multi<StreamItem.Event> live() {
            return live.onTermination().invoke(this::leave);
        }

        /**
         * The operation's state, from which the member's live events follow on: the feed's while it
         * can be trusted, else read from the store (once for everyone waiting); empty when the
         * operation does not exist.
         */
        Uni<Optional<Progress>> state() {
            return feed.stateForMember();
        }

        /**
         * The retained events after {@code after}: none, without a read, when the feed's trusted
         * state is at {@code after} already; else one store read shared by every member asking for
         * the same while it runs. A heartbeat of a thousand streams is then one read, not a thousand.
         */
        Uni<EventsPage> eventsAfter(long after) {
            return feed.eventsAfter(after);
        }

        /** Leaves the feed, closing it when this was its last member; idempotent. */
        void leave() {
            if (left.compareAndSet(false, true)) {
                feed.remove(this);
            }
        }
    }

    /** One operation's feed: its subscription, its members by executor, and its state. */
    private final class Feed {

        private final Key key;
        /** Members by the executor they are delivered on; each list is replaced, never changed, so a delivery may iterate it unlocked. */
        private final Map<Executor, List<Member>> members = new LinkedHashMap<>();
        private final Uni<Void> opened;
        private volatile Cancellable subscription;
        private volatile boolean broken;
        private int size;

        // The state, guarded by this feed's lock.
        private Progress state;
        private long totalSteps;
        private boolean trusted;
        private Instant confirmedAt = Instant.MIN;
        private final Deque<ProgressEvent> recent = new ArrayDeque<>();
        private Uni<Void> reading;
        private final Map<Long, Uni<EventsPage>> pages = new HashMap<>();

        Feed(Key key) {
            this.key = key;
            this.opened = SingleFlight.of(store.follow(key.project(), key.id())
                    .invoke(events -> subscription = events.subscribe().with(this::onEvent, failure -> lost(), this::lost))
                    .onFailure().invoke(() -> broken = true)
                    .replaceWithVoid());
        }

        Uni<Void> opened() {
            return opened;
        }

        synchronized Member add(Executor executor) {
            Member member = new Member(this, executor);
            List<Member> group = new ArrayList<>(members.getOrDefault(executor, List.of()));
            group.add(member);
            members.put(executor, List.copyOf(group));
            size++;
            return member;
        }

        void remove(Member member) {
            boolean[] closed = {false};
            feeds.computeIfPresent(key, (k, current) -> {
                boolean empty;
                synchronized (this) {
                    List<Member> group = new ArrayList<>(members.getOrDefault(member.executor, List.of()));
                    if (group.remove(member)) {
                        size--;
                    }
                    if (group.isEmpty()) {
                        members.remove(member.executor);
                    } else {
                        members.put(member.executor, List.copyOf(group));
                    }
                    empty = size == 0;
                }
                if (current != this) {
                    return current;
                }
                closed[0] = empty;
                return empty ? null : current;
            });
            if (closed[0]) {
                broken = true;
                Cancellable s = subscription;
                if (s != null) {
                    s.cancel();
                } else {
                    // Still opening: cancel the subscription as soon as it exists.
                    opened.subscribe().with(ignored -> {
                        Cancellable late = subscription;
                        if (late != null) {
                            late.cancel();
                        }
                    }, failure -> { });
                }
            }
        }

        /** Live delivery ended (the store's stream failed or completed): nothing it says can be trusted any more. */
        private void lost() {
            synchronized (this) {
                trusted = false;
            }
        }

        private void onEvent(ProgressEvent event) {
            StreamItem.Event item;
            List<Map.Entry<Executor, List<Member>>> groups;
            synchronized (this) {
                recent.addLast(event);
                if (recent.size() > RECENT) {
                    recent.removeFirst();
                }
                if (state != null && event.sequence() == state.lastSequence() + 1) {
                    state = state.after(event);
                    confirmedAt = clock.instant();
                } else if (state != null && event.sequence() > state.lastSequence()) {
                    // Live delivery lost some events: until a read, the state is behind.
                    trusted = false;
                }
                item = new StreamItem.Event(event, totalSteps);
                groups = new ArrayList<>(members.entrySet());
            }
            // Outside the lock: a member's stream may end, and leave, while it handles the item.
            for (Map.Entry<Executor, List<Member>> group : groups) {
                List<Member> each = group.getValue();
                group.getKey().execute(() -> each.forEach(member -> member.live.onNext(item)));
            }
        }

        Uni<Optional<Progress>> stateForMember() {
            synchronized (this) {
                Optional<Progress> trustworthy = trustworthy();
                if (trustworthy.isPresent()) {
                    return Uni.createFrom().item(trustworthy);
                }
            }
            return contexts.onCaller(sharedRead()).chain(() -> {
                synchronized (this) {
                    Optional<Progress> trustworthy = trustworthy();
                    if (trustworthy.isPresent() || state == null && trusted) {
                        return Uni.createFrom().item(trustworthy);
                    }
                }
                // The shared read could not be moved on to now (too many events meanwhile, or some
                // lost): this member reads for itself, after it joined, which is always right.
                return read.apply(key.project(), key.id());
            });
        }

        synchronized Uni<EventsPage> eventsAfter(long after) {
            Optional<Progress> trustworthy = trustworthy();
            if (trustworthy.isPresent() && after >= trustworthy.get().lastSequence()) {
                return Uni.createFrom().item(NOTHING);
            }
            Uni<EventsPage> page = pages.get(after);
            if (page == null) {
                Instant asked = clock.instant();
                page = SingleFlight.of(store.eventsAfter(key.project(), key.id(), after)
                        .invoke(found -> {
                            if (found.events().isEmpty()) {
                                confirm(after, asked);
                            }
                        })
                        .onTermination().invoke(() -> {
                            synchronized (this) {
                                pages.remove(after);
                            }
                        }));
                pages.put(after, page);
            }
            return contexts.onCaller(page);
        }

        /** The store held nothing after {@code sequence} at {@code at}: a state at that sequence was current then. */
        private synchronized void confirm(long sequence, Instant at) {
            if (state != null && state.lastSequence() == sequence && at.isAfter(confirmedAt)) {
                confirmedAt = at;
            }
        }

        /** The state when it can stand in for a read: in sequence, confirmed recently, not expired. */
        private Optional<Progress> trustworthy() {
            Instant now = clock.instant();
            if (!trusted || state == null || !confirmedAt.plus(trustFor).isAfter(now) || !state.updatedAt().plus(ttl).isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(state);
        }

        /** One store read for everyone who asks while it runs; it rebases the state on what it found. */
        private synchronized Uni<Void> sharedRead() {
            if (reading == null) {
                reading = SingleFlight.of(read.apply(key.project(), key.id())
                        .invoke(this::rebase)
                        .onTermination().invoke(() -> {
                            synchronized (this) {
                                reading = null;
                            }
                        })
                        .replaceWithVoid());
            }
            return reading;
        }

        /**
         * Takes {@code found} as the state, moved on by the events that arrived while it was read;
         * untrusted when those do not follow on from it. An absent operation is trusted as absent
         * only by the readers waiting for this read.
         */
        private synchronized void rebase(Optional<Progress> found) {
            if (found.isEmpty()) {
                state = null;
                trusted = true;
                return;
            }
            Progress next = found.get();
            boolean inSequence = true;
            for (ProgressEvent event : recent) {
                if (event.sequence() <= next.lastSequence()) {
                    continue;
                }
                if (event.sequence() != next.lastSequence() + 1) {
                    inSequence = false;
                    break;
                }
                next = next.after(event);
            }
            if (state != null && state.lastSequence() > next.lastSequence()) {
                // Read before events this feed already holds: keep the newer state.
                return;
            }
            state = next;
            totalSteps = next.totalSteps();
            trusted = inSequence;
            confirmedAt = clock.instant();
        }
    }
}
