package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.Ttl;
import domain.progress.Progress;
import domain.progress.ProgressEvent;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import domain.StoreUnavailableException;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The use case of bringing a project's entries in from an export: checked whole first (the web edge
 * refuses a file with any bad line before this runs), then written. Needs the scope {@code admin} on
 * the project.
 *
 * <p>Each entry keeps its creation and takes a version at least the one it had where it came from,
 * so that no ETag a client holds from there reads as newer than the entry it now names. In
 * {@link Mode#MERGE}, an entry the project holds already is replaced unless its version is higher
 * than the imported one's (it was written after the export read the other: a conflict, counted, the
 * project's kept); a write that races the import wins the same way. {@link Mode#REPLACE} first
 * removes every entry of the project. A dry run reads what it would change and writes nothing.
 *
 * <p>Entries are written {@value #CONCURRENCY} at a time, each a guarded store call ({@value
 * Guards#BULK}); a store that stops answering ends the import with a failure, the entries written
 * until then kept: importing the same file again finishes it (it writes what is missing, and finds
 * the rest unchanged).
 */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);
    /** Entries written at once. */
    static final int CONCURRENCY = 16;
    /** The conflicting keys a report names at most. */
    static final int MAX_NAMED = 100;

    private final CacheRepository cache;
    private final domain.task.TaskRepository tasks;
    private final ProgressRepository progress;
    private final ProgressPolicy progressPolicy;
    private final Clock clock;

    @Inject
    public ImportService(CacheRepository cache, ProgressRepository progress, domain.task.TaskRepository tasks, ProgressPolicy progressPolicy,
            Clock clock) {
        this.tasks = tasks;
        this.cache = cache;
        this.progress = progress;
        this.progressPolicy = progressPolicy;
        this.clock = clock;
    }

    /** One progress operation to import, checked: its state and its retained events. */
    public record Operation(Progress progress, List<ProgressEvent> events) {

        public Operation {
            events = List.copyOf(events);
        }
    }

    /**
     * What became of the operations of an import.
     *
     * @param written  operations stored (in a dry run: that would be)
     * @param existing operations the project holds under the same id already, kept as they are
     * @param expired  operations whose time ran out before they could be stored (their ttl after their last update)
     */
    public record OperationsReport(long written, long existing, long expired) {
    }

    /**
     * Stores each operation the project does not hold (an id it holds is kept as it is: a progress
     * operation has no version to judge by, and its history is its own), kept its ttl after its last
     * update, as it would have been where it came from; with {@code dryRun}, only reads.
     */
    @Measured
    @WithSpan("admin.import-progress")
    public Uni<OperationsReport> importOperations(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project,
            List<Operation> operations, boolean dryRun) {
        return Uni.createFrom().deferred(() -> {
            authorize(caller, project);
            long[] counts = new long[3];
            return Multi.createFrom().iterable(operations)
                    .onItem().transformToUni(operation -> restore(project, operation, dryRun)).merge(CONCURRENCY)
                    .invoke(outcome -> counts[outcome]++)
                    .collect().last()
                    .map(last -> new OperationsReport(counts[0], counts[1], counts[2]));
        });
    }

    /**
     * Stores each task its queue does not hold (an id the queue holds is kept as it is), queue by queue
     * in sequence order, so that a queue imported into an empty one keeps its order; a finished task
     * whose retention passed is left out. The tasks come without leases (see {@link domain.task.Task#copiedAt}).
     * With {@code dryRun}, only reads.
     */
    @Measured
    @WithSpan("admin.import-tasks")
    public Uni<OperationsReport> importTasks(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project,
            List<domain.task.Task> imported, boolean dryRun) {
        return Uni.createFrom().deferred(() -> {
            authorize(caller, project);
            java.util.Map<domain.task.QueueName, List<domain.task.Task>> byQueue = new java.util.TreeMap<>(
                    java.util.Comparator.comparing(domain.task.QueueName::value));
            imported.forEach(task -> byQueue.computeIfAbsent(task.queue(), q -> new java.util.ArrayList<>()).add(task));
            long[] counts = new long[3];
            return Multi.createFrom().iterable(byQueue.entrySet())
                    .onItem().transformToMultiAndConcatenate(queue -> {
                        List<domain.task.Task> ordered = queue.getValue().stream()
                                .sorted(java.util.Comparator.comparingLong(domain.task.Task::sequence)).toList();
                        List<List<domain.task.Task>> chunks = new java.util.ArrayList<>();
                        for (int from = 0; from < ordered.size(); from += TASKS_CHUNK) {
                            chunks.add(ordered.subList(from, Math.min(ordered.size(), from + TASKS_CHUNK)));
                        }
                        return Multi.createFrom().iterable(chunks)
                                .onItem().transformToUniAndConcatenate(chunk -> restoreTasks(project, queue.getKey(), chunk, dryRun));
                    })
                    .invoke(outcomes -> outcomes.forEach(outcome -> counts[outcome.ordinal()]++))
                    .collect().last()
                    .map(last -> new OperationsReport(counts[0], counts[1], counts[2]));
        });
    }

    /** Tasks restored per store call. */
    private static final int TASKS_CHUNK = 200;

    /** One chunk of one queue's tasks, in one guarded store call (a dry run reads each instead). */
    @Guarded(Guards.BULK)
    Uni<List<domain.task.TaskRepository.Restored>> restoreTasks(ProjectId project, domain.task.QueueName queue,
            List<domain.task.Task> chunk, boolean dryRun) {
        if (!dryRun) {
            return tasks.restore(project, queue, chunk);
        }
        return Multi.createFrom().iterable(chunk)
                .onItem().transformToUniAndConcatenate(task -> tasks.find(task.ref()).map(held -> held.isPresent()
                        ? domain.task.TaskRepository.Restored.EXISTING : domain.task.TaskRepository.Restored.STORED))
                .collect().asList();
    }

    /** 0 written, 1 existing, 2 expired. */
    @Guarded(Guards.BULK)
    Uni<Integer> restore(ProjectId project, Operation operation, boolean dryRun) {
        Progress moved = operation.progress();
        // Kept its ttl after its last update, and never longer than a ttl from now (a clock ahead of ours gains nothing).
        Instant now = clock.instant();
        Instant updated = moved.updatedAt().isAfter(now) ? now : moved.updatedAt();
        Duration kept = Duration.between(now, updated.plus(progressPolicy.ttl()));
        if (kept.toMillis() < 1_000) {
            return Uni.createFrom().item(2);
        }
        if (dryRun) {
            return progress.find(project, moved.id()).map(held -> held.isPresent() ? 1 : 0);
        }
        return progress.restore(moved, operation.events(), kept).map(stored -> stored ? 0 : 1);
    }

    /** What an import does with the entries the project holds already. */
    public enum Mode {
        /** Keeps them; an imported entry replaces one only if that one is not newer. */
        MERGE,
        /** Removes them all first. */
        REPLACE
    }

    /**
     * One entry to import, checked: its key, the write that brings it in (with its origin), and when it
     * expires, from which its TTL is taken again right before it is written.
     */
    public record Entry(CacheKey key, CacheWrite write, Instant expiresAt) {

        public Entry {
            if (write.origin().isEmpty()) {
                throw new IllegalArgumentException("an imported entry has an origin");
            }
        }
    }

    /**
     * What an import did (or, in a dry run, would do).
     *
     * @param written   entries written
     * @param unchanged entries the project held as imported already (an import run again)
     * @param conflicts entries left as the project held them, newer than the imported ones
     * @param expired   entries that expired before they could be written
     * @param removed   entries removed first ({@link Mode#REPLACE})
     * @param conflictingKeys the first {@value #MAX_NAMED} of them
     */
    public record Report(long written, long unchanged, long conflicts, long expired, long removed, List<CacheKey> conflictingKeys) {

        public Report {
            conflictingKeys = List.copyOf(conflictingKeys);
        }
    }

    /**
     * Fails unless the caller may import into the project: what the web edge checks before it reads
     * a body, so that a refused caller's file is never read.
     */
    public void authorize(Principal caller, ProjectId project) {
        Access.require(caller, project, Scope.ADMIN);
    }

    /**
     * Writes {@code entries} into the project as {@code mode} says; with {@code dryRun}, only reads.
     *
     * @throws AccessDeniedException when the caller lacks {@code admin} on the project
     */
    @Measured
    @WithSpan("admin.import")
    public Uni<Report> importEntries(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, List<Entry> entries,
            Mode mode, boolean dryRun) {
        return Uni.createFrom().deferred(() -> {
            authorize(caller, project);
            Tally tally = new Tally();
            Uni<Long> cleared = mode != Mode.REPLACE ? Uni.createFrom().item(0L)
                    : dryRun ? liveEntries(project) : clear(project);
            return cleared.invoke(removed -> tally.removed = removed)
                    .chain(() -> mode == Mode.REPLACE && dryRun ? Uni.createFrom().voidItem() : Multi.createFrom().iterable(entries)
                            .onItem().transformToUni(entry -> apply(project, entry, dryRun).map(outcome -> new Applied(entry, outcome)))
                            .merge(CONCURRENCY)
                            .invoke(applied -> tally.count(applied.entry(), applied.outcome()))
                            .collect().last().replaceWithVoid())
                    .map(last -> {
                        if (mode == Mode.REPLACE && dryRun) {
                            tally.written = entries.size();
                        }
                        return tally.report();
                    })
                    .invoke(report -> LOG.infof("project %s: %s %s %d entries%s, %d unchanged, %d conflicts, %d removed first",
                            project.value(), caller.name(), dryRun ? "would import" : "imported", report.written(),
                            mode == Mode.REPLACE ? " (replace)" : "", report.unchanged(), report.conflicts(), report.removed()))
                    .onFailure().invoke(failure -> LOG.warnf("project %s: the import by %s stopped: %s", project.value(),
                            caller.name(), failure.toString()));
        });
    }

    private record Applied(Entry entry, Outcome outcome) {
    }

    /** What became of one entry. */
    enum Outcome {
        WRITTEN,
        UNCHANGED,
        CONFLICT,
        EXPIRED
    }

    /**
     * One entry: written unless the project holds a newer one. Conditional on what was read, so that a
     * write racing it is never overwritten (it is newer: a conflict).
     */
    @Guarded(Guards.BULK)
    Uni<Outcome> apply(ProjectId project, Entry entry, boolean dryRun) {
        return apply(project, entry, dryRun, true);
    }

    /** @param again whether a write that finds the entry changed since it was read reads it and tries once more */
    private Uni<Outcome> apply(ProjectId project, Entry entry, boolean dryRun, boolean again) {
        long imported = entry.write().versionAtLeast();
        return cache.find(project, entry.key()).chain(held -> {
            boolean same = held.isPresent() && sameContent(held.get(), entry.write());
            if (same && expiresWithin(held.get(), entry, Duration.ofSeconds(1))) {
                return Uni.createFrom().item(Outcome.UNCHANGED);
            }
            // The same entry cached again where it came from (a later expiry) is no conflict, whatever the versions.
            if (held.isPresent() && !same && held.get().version() > imported) {
                return Uni.createFrom().item(Outcome.CONFLICT);
            }
            // The TTL left now, to the second: the entry expires when it expired where it came from.
            long seconds = Math.round(Duration.between(clock.instant(), entry.expiresAt()).toMillis() / 1000.0);
            if (seconds < 1) {
                return Uni.createFrom().item(Outcome.EXPIRED);
            }
            if (dryRun) {
                return Uni.createFrom().item(Outcome.WRITTEN);
            }
            Precondition unchanged = held.map(CacheEntry::version).<Precondition>map(Precondition.IfVersion::new)
                    .orElseGet(Precondition.IfAbsent::new);
            CacheWrite write = new CacheWrite(entry.write().value(), Ttl.ofSeconds(Math.min(seconds, entry.write().ttl().seconds())),
                    entry.write().tags(), unchanged, entry.write().origin());
            return cache.put(project, entry.key(), write).chain(outcome -> {
                if (outcome instanceof PutOutcome.Stored) {
                    return Uni.createFrom().item(Outcome.WRITTEN);
                }
                if (outcome instanceof PutOutcome.PreconditionFailed) {
                    // Written or removed since it was read: judged again on what is there now, once.
                    return again ? apply(project, entry, false, false) : Uni.createFrom().item(Outcome.CONFLICT);
                }
                return Uni.createFrom().failure(new StoreUnavailableException("the store did not take the write of "
                        + entry.key().value(), null));
            });
        });
    }

    /** Whether the entry held is the imported one (an import run again, or cached again there): same value, tags and creation. */
    private static boolean sameContent(CacheEntry held, CacheWrite imported) {
        return held.value().equals(imported.value()) && held.tags().equals(imported.tags())
                && imported.origin().map(o -> o.createdAt().equals(held.createdAt())).orElse(false);
    }

    private static boolean expiresWithin(CacheEntry held, Entry entry, Duration margin) {
        return Duration.between(held.expiresAt(), entry.expiresAt()).abs().compareTo(margin) <= 0;
    }

    @Guarded(Guards.BULK)
    Uni<Long> clear(ProjectId project) {
        return cache.removeAll(project);
    }

    @Guarded(Guards.BULK)
    Uni<Long> liveEntries(ProjectId project) {
        return cache.stats(project).map(stats -> stats.entries());
    }

    /** Counts; touched downstream of the merge, one outcome at a time (a merged stream's items are serialised). */
    private static final class Tally {
        long written;
        long unchanged;
        long conflicts;
        long expired;
        long removed;
        final List<CacheKey> conflicting = new ArrayList<>();

        void count(Entry entry, Outcome outcome) {
            if (outcome == Outcome.WRITTEN) {
                written++;
            } else if (outcome == Outcome.UNCHANGED) {
                unchanged++;
            } else if (outcome == Outcome.EXPIRED) {
                expired++;
            } else {
                conflicts++;
                if (conflicting.size() < MAX_NAMED) {
                    conflicting.add(entry.key());
                }
            }
        }

        Report report() {
            return new Report(written, unchanged, conflicts, expired, removed, conflicting.stream().sorted(Comparator.comparing(CacheKey::value)).toList());
        }
    }
}
