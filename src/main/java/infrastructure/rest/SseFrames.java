package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.progress.Progress;
import domain.progress.StreamItem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Encodes progress stream items as Server-Sent Events frames, each event item once: the followers
 * of an operation on one instance receive the same item, so the first stream to write it encodes
 * it and the others write the same bytes.
 *
 * <p>Wire format: the stream opens with a comment and the {@code retry:} hint; a snapshot is event
 * {@code snapshot} with the state and {@code gap}; an event is named by its type ({@code started},
 * {@code progress}, {@code completed}, {@code failed}, {@code stalled}); each has its sequence as
 * {@code id:}; a heartbeat is a comment. JSON data holds no line break, so each is one {@code data:} line.
 */
final class SseFrames {

    /** Encoded events remembered, by the identity of their item: a few operations streaming at once share them. */
    private static final int SLOTS = 64;

    private final ObjectMapper json;
    private final AtomicReferenceArray<Encoded> recent = new AtomicReferenceArray<>(SLOTS);

    SseFrames(ObjectMapper json) {
        this.json = json;
    }

    private record Encoded(StreamItem item, Buffer frame) {
    }

    /** The data of a snapshot event: the state, and whether events before it were missed. */
    @RegisterForReflection
    record SnapshotData(String id, String status, long totalSteps, long currentStep, double percentage, String message,
            Instant startedAt, Instant updatedAt, long lastEventId, boolean gap) {

        static SnapshotData from(Progress p, boolean gap) {
            return new SnapshotData(p.id().value(), p.status().name(), p.totalSteps(), p.currentStep(), p.percentage(),
                    p.message(), p.startedAt(), p.updatedAt(), p.lastSequence(), gap);
        }
    }

    /** The data of an event. */
    @RegisterForReflection
    record EventData(long sequence, String type, long step, long totalSteps, double percentage, String message, Instant time) {

        static EventData from(StreamItem.Event e) {
            return new EventData(e.event().sequence(), e.event().type().wireName(), e.event().step(), e.totalSteps(),
                    e.percentage(), e.event().message(), e.event().at());
        }
    }

    /** The frame of {@code item}; the same bytes for the same event item. The buffer is shared: never change it. */
    Buffer of(StreamItem item) throws JsonProcessingException {
        if (!(item instanceof StreamItem.Event)) {
            return encode(item);
        }
        int slot = System.identityHashCode(item) & (SLOTS - 1);
        Encoded known = recent.get(slot);
        if (known != null && known.item() == item) {
            return known.frame();
        }
        Buffer frame = encode(item);
        recent.set(slot, new Encoded(item, frame));
        return frame;
    }

    private Buffer encode(StreamItem item) throws JsonProcessingException {
        StringBuilder frame = new StringBuilder(256);
        if (item instanceof StreamItem.Opened opened) {
            frame.append(":open\nretry:").append(opened.retry().toMillis()).append('\n');
        } else if (item instanceof StreamItem.Snapshot snapshot) {
            frame.append("id:").append(snapshot.progress().lastSequence()).append("\nevent:snapshot\ndata:")
                    .append(json.writeValueAsString(SnapshotData.from(snapshot.progress(), snapshot.gap()))).append('\n');
        } else if (item instanceof StreamItem.Event event) {
            frame.append("id:").append(event.event().sequence()).append("\nevent:").append(event.event().type().wireName())
                    .append("\ndata:").append(json.writeValueAsString(EventData.from(event))).append('\n');
        } else {
            frame.append(":heartbeat\n");
        }
        return Buffer.buffer(frame.append('\n').toString());
    }
}
