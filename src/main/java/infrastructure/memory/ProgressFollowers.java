package infrastructure.memory;

import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The followers of operations in this process, for the stores whose live delivery stays in the
 * process: each follower a buffer that keeps what is published until its stream is subscribed, and
 * each operation's events handed to its followers one at a time, in the order they are published.
 */
public final class ProgressFollowers {

    private final Map<Key, Audience> audiences = new ConcurrentHashMap<>();

    private record Key(ProjectId project, ProgressId id) {
    }

    /** One operation's followers; its monitor makes deliveries to them one at a time. */
    private static final class Audience {
        final Set<UnicastProcessor<ProgressEvent>> buffers = ConcurrentHashMap.newKeySet();
    }

    /**
     * A new follower of the operation: every event published from now on, buffered until subscribed.
     * It stops following when its stream ends or is cancelled.
     */
    public Multi<ProgressEvent> follow(ProjectId project, ProgressId id) {
        Key key = new Key(project, id);
        UnicastProcessor<ProgressEvent> buffer = UnicastProcessor.create();
        // Added inside the compute: the last follower leaving removes the audience under the same lock.
        audiences.compute(key, (k, audience) -> {
            Audience joined = audience == null ? new Audience() : audience;
            joined.buffers.add(buffer);
            return joined;
        });
        return buffer.onTermination().invoke(() -> audiences.computeIfPresent(key, (k, audience) -> {
            audience.buffers.remove(buffer);
            return audience.buffers.isEmpty() ? null : audience;
        }));
    }

    /**
     * Hands {@code event} to the operation's followers now. Publishers must publish an operation's
     * events in sequence order for followers to receive them so: deliveries are serialized here, not
     * reordered.
     */
    public void publish(ProjectId project, ProgressId id, ProgressEvent event) {
        Audience audience = audiences.get(new Key(project, id));
        if (audience == null) {
            return;
        }
        // Not inside the map's compute: a follower that ends its stream on this event leaves through it.
        synchronized (audience) {
            audience.buffers.forEach(buffer -> buffer.onNext(event));
        }
    }

    /** Operations followed now. */
    public int followed() {
        return audiences.size();
    }
}
