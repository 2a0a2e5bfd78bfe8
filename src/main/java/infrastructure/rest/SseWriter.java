package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import domain.progress.StreamItem;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Writes a progress stream to one SSE connection, one event at a time: the next item is requested
 * only once the previous one is written, so a slow client holds back its own stream and nobody
 * else's. The stream is cancelled when the client goes away, and the connection closed when the
 * stream ends.
 *
 * <p>The first item goes through the SSE sink, which sends the response head; every later one is
 * written to the connection as the frame {@link SseFrames} encoded, the same bytes for every
 * stream of the operation.
 *
 * <p>Each event's delivery lag, from the event's time to its frame handed to the connection, goes
 * to the {@link #DELIVERY} histogram: what a browser waits for an event, less the network.
 */
final class SseWriter implements MultiSubscriber<StreamItem> {

    private static final Logger LOG = Logger.getLogger(SseWriter.class);
    /** The meter of delivery lags: {@code progress_delivery_seconds} in Prometheus, buckets only. */
    static final String DELIVERY = "progress.delivery";

    private final SseEventSink sink;
    private final Sse sse;
    private final SseFrames frames;
    /** The connection itself, written directly once the sink has sent the head. */
    private final HttpServerResponse response;
    private final Lag lag;
    private volatile boolean headSent;
    /** The request's context: the framework sends the response head on it, after the resource method. */
    private final Context request;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Flow.Subscription subscription;

    private SseWriter(SseEventSink sink, Sse sse, SseFrames frames, HttpServerResponse response, Context request, Lag lag) {
        this.sink = sink;
        this.sse = sse;
        this.frames = frames;
        this.response = response;
        this.request = request;
        this.lag = lag;
    }

    /** Records how long after its time each event was handed to its connection; the clock is the one events are stamped with. */
    record Lag(Timer timer, Clock clock) {

        void written(StreamItem item) {
            if (item instanceof StreamItem.Event event) {
                // An event stamped by another instance's clock may seem to come from the future: no lag then.
                Duration lag = Duration.between(event.event().at(), clock.instant());
                timer.record(lag.isNegative() ? Duration.ZERO : lag);
            }
        }
    }

    /**
     * Starts writing {@code stream} to {@code sink}; returns at once. Writing starts in a later
     * turn of the request's event loop ({@code request}, as the resource method found it), once
     * the framework has sent the response head, so that a stream which ends at once (an ended
     * operation) cannot close the response under it.
     */
    static void write(Multi<StreamItem> stream, SseEventSink sink, Sse sse, SseFrames frames, HttpServerResponse response,
            Context request, Lag lag) {
        SseWriter writer = new SseWriter(sink, sse, frames, response, request, lag);
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
        if (headSent) {
            Buffer frame;
            try {
                frame = frames.of(item);
            } catch (JsonProcessingException e) {
                onFailure(e);
                return;
            }
            // Timed at the hand-over: the write's completion is reported later than the bytes leave.
            lag.written(item);
            response.write(frame).onComplete(written -> next(written.failed()));
            return;
        }
        // The first item: the sink sends the response head with it.
        OutboundSseEvent event = item instanceof StreamItem.Opened opened
                ? sse.newEventBuilder().comment("open").reconnectDelay(opened.retry().toMillis()).build()
                : sse.newEventBuilder().comment("open").build();
        sink.send(event).whenComplete((sent, failure) -> {
            headSent = true;
            if (!(item instanceof StreamItem.Opened)) {
                onItem(item);
                return;
            }
            next(failure != null);
        });
    }

    private void next(boolean failed) {
        if (failed) {
            cancel();
        } else {
            subscription.request(1);
        }
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
}
