package application;

import domain.StoreUnavailableException;
import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressEvent;
import domain.progress.ProgressRepository;
import domain.progress.StreamItem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * One follower's stream of an operation, merged from live delivery and the stored history so that
 * it holds every event exactly once, in sequence order.
 *
 * <p>It remembers the last sequence it sent. A live event right after it is sent at once; an older
 * one is a duplicate and dropped; a later one means live delivery lost some, and the follower
 * catches up from the history. Every heartbeat also catches up (live delivery is at most once) and,
 * when the operation looks silent, checks whether it stalled. A terminal event ends the stream.
 * Inputs are handled one at a time, so this state needs no lock.
 *
 * <p>The stream also ends, with no terminal event, when its principal loses the right to it:
 * at once on {@link #revoke()}, and on the first heartbeat that finds its credential no longer
 * permits it (the safety net for a revocation notice that never arrived).
 */
final class ProgressFollower {

    /** What the follower emits: an item, or the end of the stream after the terminal event. */
    private record Out(StreamItem item) {
        static final Out END = new Out(null);
    }

    private final ProgressRepository store;
    /** The retained events after a sequence: through the operation's feed, which shares one read among its followers. */
    private final LongFunction<Uni<EventsPage>> history;
    private final Progress opened;
    private final Clock clock;
    private final Duration stallAfter;
    /**
     * The longest one catch-up or stall check may wait for the store. Past it the stream fails and
     * closes, and the browser reconnects and resumes: a hung store never freezes a stream silently.
     */
    private final Duration storeTimeout;
    /** Reads the operation's state, recording a stall when it is due; empty once it expired. */
    private final Function<Progress, Uni<Optional<Progress>>> refresh;
    /** Whether the follower's credential still permits the stream: asked on every heartbeat. */
    private final Supplier<Uni<Boolean>> stillPermitted;
    /** Carries the end of a revoked stream into it; buffers until the stream is subscribed. */
    private final UnicastProcessor<List<Out>> revoked = UnicastProcessor.create();
    private long lastSent;
    private Instant lastActivity;
    private boolean ended;

    ProgressFollower(ProgressRepository store, LongFunction<Uni<EventsPage>> history, Progress opened, Clock clock, Duration stallAfter, Duration storeTimeout,
            Function<Progress, Uni<Optional<Progress>>> refresh, Supplier<Uni<Boolean>> stillPermitted) {
        this.store = store;
        this.history = history;
        this.opened = opened;
        this.clock = clock;
        this.stallAfter = stallAfter;
        this.storeTimeout = storeTimeout;
        this.refresh = refresh;
        this.stillPermitted = stillPermitted;
        this.lastActivity = opened.updatedAt();
    }

    /** Ends the stream now, whatever it is doing, with no further item; may be called on any thread, more than once. */
    void revoke() {
        revoked.onNext(List.of(Out.END));
    }

    /**
     * The stream for a follower that saw the events up to {@code lastSeen} (none when empty):
     * {@link StreamItem.Opened}, then a snapshot on a first connection or after a gap, else the
     * missed events, then live events and heartbeats up to the terminal event.
     */
    Uni<Multi<StreamItem>> stream(Multi<StreamItem.Event> live, OptionalLong lastSeen, Duration heartbeat, Duration retry) {
        return opening(lastSeen).map(first -> {
            first.add(0, new Out(new StreamItem.Opened(retry)));
            // Live events and heartbeats both change this follower's state: one serialized pipeline
            // handles them in turn (an empty input is a heartbeat). Only the store calls among them
            // are bounded in time: a live event in sequence is handled at once, with no timer.
            Multi<Optional<StreamItem.Event>> ticks = Multi.createFrom().ticks().every(heartbeat)
                    .onOverflow().drop()
                    .map(tick -> Optional.<StreamItem.Event>empty());
            Multi<List<Out>> handled = Multi.createBy().merging().streams(live.map(Optional::of), ticks)
                    .onItem().transformToUniAndConcatenate(input -> input.map(this::onLive).orElseGet(this::onHeartbeat));
            Multi<Out> rest = Multi.createBy().merging().streams(handled, revoked)
                    .onItem().transformToIterable(list -> list);
            return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(first), rest)
                    .select().first(out -> out != Out.END)
                    .map(Out::item);
        });
    }

    /** A store call of the open stream, failed when the store does not answer within the stream's bound. */
    private <T> Uni<T> bounded(Uni<T> call) {
        return call.ifNoItem().after(storeTimeout)
                .failWith(() -> new StoreUnavailableException("no answer from the store within " + storeTimeout, null));
    }

    private Uni<List<Out>> opening(OptionalLong lastSeen) {
        List<Out> out = new ArrayList<>();
        if (lastSeen.isEmpty()) {
            snapshot(opened, false, out);
            return Uni.createFrom().item(out);
        }
        long after = lastSeen.getAsLong();
        if (after > opened.lastSequence()) {
            // Not an event of this operation's history (an earlier operation under the same id?).
            snapshot(opened, true, out);
            return Uni.createFrom().item(out);
        }
        return history.apply(after).map(page -> {
            lastSent = after;
            if (page.gap()) {
                snapshot(opened, true, out);
            }
            send(page, out);
            return out;
        });
    }

    private void snapshot(Progress state, boolean gap, List<Out> out) {
        out.add(new Out(new StreamItem.Snapshot(state, gap)));
        lastSent = state.lastSequence();
        lastActivity = state.updatedAt();
        if (state.status().isTerminal()) {
            end(out);
        }
    }

    private Uni<List<Out>> onLive(StreamItem.Event item) {
        ProgressEvent event = item.event();
        if (ended || event.sequence() <= lastSent) {
            return Uni.createFrom().item(List.of());
        }
        if (event.sequence() == lastSent + 1) {
            List<Out> out = new ArrayList<>(2);
            // The feed's item, shared with every follower of the operation on this instance, unless it
            // was made before the feed knew the total.
            send(item.totalSteps() == opened.totalSteps() ? item : new StreamItem.Event(event, opened.totalSteps()), out);
            return Uni.createFrom().item(out);
        }
        return catchUp(new ArrayList<>());
    }

    private Uni<List<Out>> onHeartbeat() {
        if (ended) {
            return Uni.createFrom().item(List.of());
        }
        return bounded(stillPermitted.get()).chain(permitted -> {
            if (!permitted) {
                List<Out> out = new ArrayList<>(1);
                end(out);
                return Uni.createFrom().item(out);
            }
            return heartbeat();
        });
    }

    private Uni<List<Out>> heartbeat() {
        List<Out> out = new ArrayList<>();
        out.add(new Out(new StreamItem.Heartbeat()));
        if (lastActivity.plus(stallAfter).isAfter(clock.instant())) {
            return catchUp(out);
        }
        // Silent for long enough: the read records the stall if no update came meanwhile.
        return bounded(refresh.apply(opened)).chain(state -> {
            if (state.isEmpty()) {
                end(out);
                return Uni.createFrom().item(out);
            }
            return catchUp(out);
        });
    }

    /** Sends what the history holds after the last sent event; a snapshot when some of it is gone. */
    private Uni<List<Out>> catchUp(List<Out> out) {
        if (ended) {
            return Uni.createFrom().item(out);
        }
        return bounded(history.apply(lastSent)).chain(page -> {
            if (!page.gap()) {
                send(page, out);
                return Uni.createFrom().item(out);
            }
            return bounded(store.find(opened.project(), opened.id())).map(state -> {
                state.ifPresentOrElse(s -> snapshot(s, true, out), () -> end(out));
                send(page, out);
                return out;
            });
        });
    }

    private void send(EventsPage page, List<Out> out) {
        page.events().stream().filter(e -> e.sequence() > lastSent).forEach(e -> send(e, out));
    }

    private void send(ProgressEvent event, List<Out> out) {
        send(new StreamItem.Event(event, opened.totalSteps()), out);
    }

    private void send(StreamItem.Event item, List<Out> out) {
        if (ended) {
            return;
        }
        ProgressEvent event = item.event();
        out.add(new Out(item));
        lastSent = event.sequence();
        lastActivity = event.at();
        if (event.type().isTerminal()) {
            end(out);
        }
    }

    private void end(List<Out> out) {
        ended = true;
        out.add(Out.END);
    }
}
