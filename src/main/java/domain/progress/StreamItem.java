package domain.progress;

import java.time.Duration;

/**
 * What a follower of an operation receives, in order: the stream opening, then a snapshot (on a
 * first connection, or when the events it asked for are gone), then events up to a terminal one,
 * with heartbeats while the operation is quiet.
 */
public sealed interface StreamItem {

    /** The stream is open; a client that loses it should wait {@code retry} before reconnecting. */
    record Opened(Duration retry) implements StreamItem {
    }

    /**
     * The state at sequence {@code progress.lastSequence()}.
     *
     * @param gap true when the follower asked to resume after events the bounded history no longer
     *            holds: it missed some, and this state replaces them
     */
    record Snapshot(Progress progress, boolean gap) implements StreamItem {
    }

    /** One recorded event; {@code totalSteps} lets a follower show a percentage without a snapshot. */
    record Event(ProgressEvent event, long totalSteps) implements StreamItem {

        public double percentage() {
            return Math.floor(event.step() * 1000.0 / totalSteps) / 10.0;
        }
    }

    /** Nothing happened; keeps the connection and its proxies from timing out. */
    record Heartbeat() implements StreamItem {
    }
}
