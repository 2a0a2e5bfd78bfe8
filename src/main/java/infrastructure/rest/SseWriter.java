package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.progress.Progress;
import domain.progress.StreamItem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Writes a progress stream to one SSE connection, one event at a time: the next item is requested
 * only once the previous one is written, so a slow client holds back its own stream and nobody
 * else's. The stream is cancelled when the client goes away, and the connection closed when the
 * stream ends.
 *
 * <p>Wire format: the stream opens with a comment and the {@code retry:} hint; a snapshot is event
 * {@code snapshot} with the state and {@code gap}; an event is named by its type ({@code started},
 * {@code progress}, {@code completed}, {@code failed}, {@code stalled}); each has its sequence as
 * {@code id:}; a heartbeat is a comment.
 */
final class SseWriter implements MultiSubscriber<StreamItem> {

    private static final Logger LOG = Logger.getLogger(SseWriter.class);

    /** The data of a snapshot event: the state, and whether events before it were missed. */
    record SnapshotData(String id, String status, long totalSteps, long currentStep, double percentage, String message,
            Instant startedAt, Instant updatedAt, long lastEventId, boolean gap) {

        static SnapshotData from(Progress p, boolean gap) {
            return new SnapshotData(p.id().value(), p.status().name(), p.totalSteps(), p.currentStep(), p.percentage(),
                    p.message(), p.startedAt(), p.updatedAt(), p.lastSequence(), gap);
        }
    }

    /** The data of an event. */
    record EventData(long sequence, String type, long step, long totalSteps, double percentage, String message, Instant time) {

        static EventData from(StreamItem.Event e) {
            return new EventData(e.event().sequence(), e.event().type().wireName(), e.event().step(), e.totalSteps(),
                    e.percentage(), e.event().message(), e.event().at());
        }
    }

    private final SseEventSink sink;
    private final Sse sse;
    /** The request's context: the framework sends the response head on it, after the resource method. */
    private final Context request;
    private final ObjectMapper json;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Flow.Subscription subscription;

    private SseWriter(SseEventSink sink, Sse sse, ObjectMapper json, Context request) {
        this.sink = sink;
        this.sse = sse;
        this.request = request;
        this.json = json;
    }

    /**
     * Starts writing {@code stream} to {@code sink}; returns at once. Writing starts in a later
     * turn of the request's event loop ({@code request}, as the resource method found it), once
     * the framework has sent the response head, so that a stream which ends at once (an ended
     * operation) cannot close the response under it.
     */
    static void write(Multi<StreamItem> stream, SseEventSink sink, Sse sse, ObjectMapper json, Context request) {
        SseWriter writer = new SseWriter(sink, sse, json, request);
        // A broadcaster of one: the standard way to hear that this client went away.
        SseBroadcaster closed = sse.newBroadcaster();
        closed.register(sink);
        closed.onClose(s -> writer.cancel());
        writer.later(() -> stream.subscribe().withSubscriber(writer));
    }

    private void later(Runnable action) {
        if (request == null) {
            action.run();
        } else {
            request.runOnContext(ignored -> action.run());
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (done.get()) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onItem(StreamItem item) {
        if (sink.isClosed()) {
            cancel();
            return;
        }
        OutboundSseEvent event;
        try {
            event = event(item);
        } catch (JsonProcessingException e) {
            onFailure(e);
            return;
        }
        sink.send(event).whenComplete((sent, failure) -> {
            if (failure != null) {
                cancel();
            } else {
                subscription.request(1);
            }
        });
    }

    @Override
    public void onFailure(Throwable failure) {
        // The client reconnects with Last-Event-ID and resumes; nothing is lost.
        LOG.debugf("progress stream ended by a failure, the client will resume: %s", failure.toString());
        close();
    }

    @Override
    public void onCompletion() {
        close();
    }

    private void cancel() {
        if (done.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            sink.close();
        }
    }

    private void close() {
        if (done.compareAndSet(false, true)) {
            later(sink::close);
        }
    }

    private OutboundSseEvent event(StreamItem item) throws JsonProcessingException {
        if (item instanceof StreamItem.Opened opened) {
            return sse.newEventBuilder().comment("open").reconnectDelay(opened.retry().toMillis()).build();
        }
        if (item instanceof StreamItem.Snapshot snapshot) {
            return sse.newEventBuilder().id(Long.toString(snapshot.progress().lastSequence())).name("snapshot")
                    .data(json.writeValueAsString(SnapshotData.from(snapshot.progress(), snapshot.gap()))).build();
        }
        if (item instanceof StreamItem.Event event) {
            return sse.newEventBuilder().id(Long.toString(event.event().sequence())).name(event.event().type().wireName())
                    .data(json.writeValueAsString(EventData.from(event))).build();
        }
        return sse.newEventBuilder().comment("heartbeat").build();
    }
}
