package infrastructure.memory;

import domain.project.ProjectId;
import domain.task.QueueName;
import domain.task.QueueSignal;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's watchers of task queues, for the stores whose signals never leave the process
 * (memory and embedded): each watch buffers its own signals until its subscriber takes them.
 */
public final class QueueWatchers {

    private record QueueKey(ProjectId project, QueueName queue) {
    }

    private final Map<QueueKey, Set<UnicastProcessor<QueueSignal>>> watchers = new ConcurrentHashMap<>();

    /**
     * A stream of the queue's signals from now on: registered when the returned Uni completes, so
     * nothing signalled after that is lost; dropped when its subscriber cancels.
     */
    public Uni<Multi<QueueSignal>> watch(ProjectId project, QueueName queue) {
        QueueKey key = new QueueKey(project, queue);
        return Uni.createFrom().item(() -> {
            UnicastProcessor<QueueSignal> buffer = UnicastProcessor.create();
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(buffer);
            return buffer.onTermination().invoke(() -> watchers.computeIfPresent(key, (k, set) -> {
                set.remove(buffer);
                return set.isEmpty() ? null : set;
            }));
        });
    }

    /** Tells the queue's watchers that a task became claimable; the caller holds no lock of the store. */
    public void signal(ProjectId project, QueueName queue) {
        QueueSignal signal = new QueueSignal(project, queue);
        watchers.getOrDefault(new QueueKey(project, queue), Set.of()).forEach(w -> w.onNext(signal));
    }
}
