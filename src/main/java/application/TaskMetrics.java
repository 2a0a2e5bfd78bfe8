package application;

import domain.project.ProjectId;
import domain.task.QueueCounts;
import domain.task.QueueName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The task queue's meters: counters of tasks enqueued, claimed, completed, failed (to be retried),
 * dead and redriven; gauges of each queue's depth (waiting tasks) and oldest queued age; histograms
 * of how long a due task waited for a worker and how long it ran.
 *
 * <p>Project ids and queue names are tenants' input, so a series per queue would let tenants grow
 * the registry without bound. Only the first {@code maxQueues} queues seen get series of their own
 * (tags {@code project} and {@code queue}); every other queue is counted under
 * {@value #OTHER}. A queue silent for {@link #FORGET_AFTER} gives its place up (its gauges go), so
 * the places follow the queues in use. The histograms carry no queue at all.
 */
final class TaskMetrics {

    static final String OTHER = "_other";
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /** Bucket bounds of the task histograms: 1 ms to 1 day. */
    private static final double[] BUCKETS = Stream.of(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                    Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
                    Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1))
            .mapToDouble(Duration::toNanos).toArray();

    private final MeterRegistry meters;
    private final int maxQueues;
    private final Map<Key, Metered> metered = new ConcurrentHashMap<>();
    private final Map<String, Counter> others = new ConcurrentHashMap<>();
    private final Timer claimWait;
    private final Timer runTime;

    private record Key(ProjectId project, QueueName queue) {
    }

    /** One queue with series of its own. */
    private final class Metered {
        final Tags tags;
        final Map<String, Counter> counters = new ConcurrentHashMap<>();
        final AtomicLong depth = new AtomicLong();
        final AtomicLong oldestMillis = new AtomicLong();
        final List<Meter> gauges = new ArrayList<>();
        volatile Instant seen;

        Metered(Key key, Instant now) {
            this.tags = Tags.of("project", key.project().value(), "queue", key.queue().value());
            this.seen = now;
            gauges.add(Gauge.builder("tasks.queue.depth", depth, AtomicLong::get)
                    .description("tasks waiting in the queue (queued, scheduled, retrying), as last read").tags(tags).register(meters));
            gauges.add(Gauge.builder("tasks.queue.oldest.age", oldestMillis, a -> a.get() / 1000.0)
                    .description("seconds the oldest queued task has been claimable, as last read").baseUnit("seconds")
                    .tags(tags).register(meters));
        }

        Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> Counter.builder(n).tags(tags).register(meters));
        }
    }

    TaskMetrics(MeterRegistry meters, int maxQueues) {
        this.meters = meters;
        this.maxQueues = maxQueues;
        this.claimWait = Timer.builder("tasks.claim.wait")
                .description("how long a claimed task had been claimable before a worker claimed it")
                .serviceLevelObjectives(durations()).register(meters);
        this.runTime = Timer.builder("tasks.run")
                .description("how long an attempt took to finish: from the task becoming claimable (its run-at) to its"
                        + " complete or fail; the store keeps no claim time, so this includes the wait for a worker")
                .serviceLevelObjectives(durations()).register(meters);
    }

    private static Duration[] durations() {
        return java.util.Arrays.stream(BUCKETS).mapToObj(n -> Duration.ofNanos((long) n)).toArray(Duration[]::new);
    }

    void enqueued(ProjectId project, QueueName queue, long n, Instant now) {
        count("tasks.enqueued", project, queue, n, now);
    }

    void claimed(ProjectId project, QueueName queue, long n, Instant now) {
        count("tasks.claimed", project, queue, n, now);
    }

    void completed(ProjectId project, QueueName queue, Instant now) {
        count("tasks.completed", project, queue, 1, now);
    }

    void failed(ProjectId project, QueueName queue, Instant now) {
        count("tasks.failed", project, queue, 1, now);
    }

    void dead(ProjectId project, QueueName queue, Instant now) {
        count("tasks.dead", project, queue, 1, now);
    }

    void redriven(ProjectId project, QueueName queue, long n, Instant now) {
        count("tasks.redriven", project, queue, n, now);
    }

    void waitedForClaim(Duration waited) {
        claimWait.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    void ran(Duration ran) {
        runTime.record(ran.isNegative() ? Duration.ZERO : ran);
    }

    /** The queue's depth and oldest age, as just read. */
    void counted(ProjectId project, QueueName queue, QueueCounts counts, Instant now) {
        Metered m = metered(new Key(project, queue), now);
        if (m != null) {
            m.depth.set(counts.waiting());
            m.oldestMillis.set(counts.oldestQueuedAge().map(Duration::toMillis).orElse(0L));
        }
    }

    /** The queues with series of their own, seen within {@link #FORGET_AFTER}; the others give their place up. */
    List<Map.Entry<ProjectId, QueueName>> recent(Instant now) {
        List<Map.Entry<ProjectId, QueueName>> recent = new ArrayList<>();
        metered.forEach((key, m) -> {
            if (m.seen.plus(FORGET_AFTER).isBefore(now)) {
                if (metered.remove(key, m)) {
                    m.gauges.forEach(meters::remove);
                    m.counters.values().forEach(meters::remove);
                }
            } else {
                recent.add(Map.entry(key.project(), key.queue()));
            }
        });
        return recent;
    }

    private void count(String name, ProjectId project, QueueName queue, long n, Instant now) {
        if (n <= 0) {
            return;
        }
        Metered m = metered(new Key(project, queue), now);
        Counter counter = m != null ? m.counter(name)
                : others.computeIfAbsent(name, c -> Counter.builder(c).tags("project", OTHER, "queue", OTHER).register(meters));
        counter.increment(n);
    }

    private Metered metered(Key key, Instant now) {
        Metered known = metered.get(key);
        if (known != null) {
            known.seen = now;
            return known;
        }
        if (metered.size() >= maxQueues) {
            return null;
        }
        // Two first sightings at once may both pass the size check: the bound is exceeded by at most the concurrency.
        return metered.computeIfAbsent(key, k -> new Metered(k, now));
    }
}
