package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.access.ApiKeyRepository;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.EntryPage;
import domain.cache.PageSize;
import domain.progress.Progress;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import domain.session.SessionRepository;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The use cases of taking a project's data out of the service: its export (cache entries, then
 * progress operations with their events, then the tasks of its queues), read page by page so that
 * neither the service's memory nor any writer waits on the project's size. Each needs the scope
 * {@code admin} on the project: an export holds every value in clear.
 *
 * <p>Each entry is read whole, as it stood at one moment; the export as a whole is no snapshot: an
 * entry written during it may or may not be in it, one live throughout is in it exactly once. A page
 * is at most {@value #PAGE} entries and {@value #PAGE_BYTES} bytes of values, one guarded store call
 * ({@value Guards#BULK}). Before every page after the first, the caller's credential is checked
 * again: a key revoked during an export ends it. At most {@value #MAX_RUNNING} exports run on an
 * instance at once.
 */
@ApplicationScoped
public class ExportService {

    private static final Logger LOG = Logger.getLogger(ExportService.class);
    /** Entries read per store call at most. */
    static final int PAGE = 200;
    /** Bytes of stored values read per store call at most (one entry at least, whatever its size). */
    static final long PAGE_BYTES = 4L << 20;
    /** Exports running on this instance at once, at most: each holds a page in memory and a store connection in turn. */
    static final int MAX_RUNNING = 4;

    /**
     * Progress operations read per page: each holds up to the retained events (1,000 by default) of up to
     * the longest message each, so a page is bounded by this many times that, not by bytes as entries are.
     */
    static final int OPERATIONS_PAGE = 10;

    private final CacheRepository cache;
    /** The exports running on this instance, each holding a slot until it ends. */
    private final StreamSlots running = new StreamSlots(MAX_RUNNING, n -> new TooManyStreamsException("this instance runs "
            + MAX_RUNNING + " exports at once already; export again once one has ended"));
    private final ProgressRepository progress;
    private final domain.task.TaskRepository tasks;
    private final CredentialCheck credentials;

    @Inject
    public ExportService(CacheRepository cache, ProgressRepository progress, domain.task.TaskRepository tasks, ApiKeyRepository keys,
            SessionRepository sessions, Clock clock) {
        this.cache = cache;
        this.progress = progress;
        this.tasks = tasks;
        this.credentials = new CredentialCheck(keys, sessions, clock);
    }

    /** What an export holds, in order: every live entry, and the keys of those whose value cannot be read. */
    public sealed interface Item {

        /** A live entry, its value as clients read it. */
        record Entry(CacheEntry entry) implements Item {
        }

        /** A live entry whose stored value cannot be read (changed in the store, or its key gone): named, never served. */
        record Unreadable(CacheKey key) implements Item {
        }

        /** A progress operation, its state and the events it retains, each read whole. */
        record Operation(Progress progress, List<ProgressEvent> events) implements Item {
        }

        /** A task of one of the project's queues, read whole. */
        record Task(domain.task.Task task) implements Item {
        }
    }

    /**
     * The project's cache entries in key order, those after {@code after} only when given (to resume a
     * cut export). Checks the caller's access at once, and reads the first
     * page before it answers, so that a refusal or a store that does not answer is an answer (403,
     * 503) and not a cut stream; the stream fails later if the store stops answering, or ends when the
     * caller's credential no longer permits it.
     *
     * @throws AccessDeniedException   when the caller lacks {@code admin} on the project
     * @throws TooManyStreamsException when this instance runs as many exports as it may
     */
    public Uni<Multi<Item>> cacheEntries(Principal caller, ProjectId project, Optional<CacheKey> after) {
        Access.require(caller, project, Scope.ADMIN);
        Runnable ended = running.acquire(""); // released once: the first page failing or cancelled, or the stream ending
        return cachePage(project, after)
                .onFailure().invoke(ended)
                .onCancellation().invoke(ended)
                .map(first -> Multi.createBy().concatenating().streams(
                                items(first),
                                first.next().isEmpty() ? Multi.createFrom().empty() : rest(caller, project, first.next().get()),
                                operations(caller, project),
                                tasks(caller, project))
                        .onTermination().invoke(ended));
    }

    /**
     * The projects holding data (a live cache entry or a live progress operation) that the caller may
     * administer, in id order (scope {@code admin}): what an operator moves or backs up. It reads the
     * whole store, so it runs under the bulk guard.
     */
    @Measured
    @WithSpan("admin.projects")
    @Guarded(Guards.BULK)
    public Uni<List<ProjectId>> projects(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return Uni.combine().all().unis(Retries.idempotent(cache::projects), Retries.idempotent(progress::projects))
                    .with((cached, followed) -> java.util.stream.Stream.concat(cached.stream(), followed.stream())
                            .filter(project -> caller.permits(project, Scope.ADMIN))
                            .distinct()
                            .sorted(java.util.Comparator.comparing(ProjectId::value))
                            .toList());
        });
    }

    /** The project's progress operations in id order, a page at a time, each page once the credential was found to permit it still. */
    private Multi<Item> operations(Principal caller, ProjectId project) {
        return Multi.createBy().repeating()
                .uni(OperationWalk::new, walk -> permitted(caller, project)
                        .chain(() -> operationPage(project, walk.after))
                        .invoke(page -> walk.after = page.next()))
                .whilst(page -> page.next().isPresent())
                .onItem().transformToIterable(OperationPage::operations);
    }

    /** Up to {@value #OPERATIONS_PAGE} operations after {@code after}, each with the events it retains. */
    @Measured
    @WithSpan("admin.export-progress-page")
    @Guarded(Guards.BULK)
    Uni<OperationPage> operationPage(@SpanAttribute(Outcomes.PROJECT) ProjectId project, Optional<ProgressId> after) {
        return progress.list(project, after, OPERATIONS_PAGE).chain(page -> Multi.createFrom().iterable(page.items())
                // The events are read after the state: those a change recorded in between are left out, so that the
                // line holds the operation as its state says (its last event the state's last sequence).
                .onItem().transformToUniAndConcatenate(operation -> progress.eventsAfter(project, operation.id(), 0)
                        .map(events -> (Item) new Item.Operation(operation, events.events().stream()
                                .filter(event -> event.sequence() <= operation.lastSequence()).toList())))
                .collect().asList()
                .map(operations -> new OperationPage(operations, page.next())));
    }

    /** Tasks read per store call at most. */
    static final int TASKS_PAGE = 200;

    /**
     * The tasks of each of the project's queues, queue by queue in name order, each queue's walked by id
     * ({@link domain.task.TaskRepository#walk}: a task that changes state during the export is in it all the
     * same): a page at a time, each page once the credential was found to permit it still.
     */
    private Multi<Item> tasks(Principal caller, ProjectId project) {
        return Multi.createFrom().uni(permitted(caller, project).chain(() -> queues(project)))
                .onItem().transformToIterable(names -> names)
                .onItem().transformToMultiAndConcatenate(queue -> Multi.createBy().repeating()
                        .uni(TaskWalk::new, walk -> permitted(caller, project)
                                .chain(() -> taskPage(project, queue, walk.cursor))
                                .invoke(page -> page.next().ifPresent(next -> walk.cursor = next)))
                        .whilst(page -> page.next().isPresent())
                        .onItem().transformToIterable(page -> page.tasks().stream().map(task -> (Item) new Item.Task(task)).toList()));
    }

    /** The project's queues that hold tasks, in one guarded store call. */
    @Measured
    @WithSpan("admin.export-queues")
    @Guarded(Guards.BULK)
    Uni<List<domain.task.QueueName>> queues(@SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Retries.idempotent(() -> tasks.queues(project));
    }

    /** About {@value #TASKS_PAGE} tasks of the queue from {@code cursor} on, in one store call. */
    @Measured
    @WithSpan("admin.export-tasks-page")
    @Guarded(Guards.BULK)
    Uni<domain.task.TaskBatch> taskPage(@SpanAttribute(Outcomes.PROJECT) ProjectId project, domain.task.QueueName queue,
            String cursor) {
        return Retries.idempotent(() -> tasks.walk(project, queue, cursor, TASKS_PAGE));
    }

    /** Where a walk over one queue's tasks is. */
    private static final class TaskWalk {
        String cursor = "";
    }

    /** A page of operations, and where the next starts. */
    record OperationPage(List<Item> operations, Optional<ProgressId> next) {
    }

    /** Where a walk over operations is. */
    private static final class OperationWalk {
        Optional<ProgressId> after = Optional.empty();
    }

    /** The pages after the first, each once the credential was found to permit it still. */
    private Multi<Item> rest(Principal caller, ProjectId project, CacheKey after) {
        return Multi.createBy().repeating()
                .uni(() -> new Walk(after), walk -> permitted(caller, project)
                        .chain(() -> cachePage(project, Optional.of(walk.after)))
                        .invoke(page -> page.next().ifPresent(next -> walk.after = next)))
                .whilst(page -> page.next().isPresent())
                .onItem().transformToMultiAndConcatenate(ExportService::items);
    }

    private Uni<Void> permitted(Principal caller, ProjectId project) {
        return credentials.stillPermits(caller, project, Scope.ADMIN).map(permits -> {
            if (!permits) {
                throw new AccessDeniedException("the credential no longer permits the export of project " + project.value());
            }
            return null;
        });
    }

    private static Multi<Item> items(EntryPage page) {
        List<Item> items = new ArrayList<>(page.entries().size() + page.unreadable().size());
        page.entries().forEach(entry -> items.add(new Item.Entry(entry)));
        page.unreadable().forEach(key -> items.add(new Item.Unreadable(key)));
        return Multi.createFrom().iterable(items);
    }

    /** Up to {@value #PAGE} live entries after {@code after}, read whole in one store call. */
    @Measured
    @WithSpan("admin.export-page")
    @Guarded(Guards.BULK)
    Uni<EntryPage> cachePage(@SpanAttribute(Outcomes.PROJECT) ProjectId project, Optional<CacheKey> after) {
        return cache.entries(project, after, PageSize.of(PAGE), PAGE_BYTES);
    }

    /** Logs an export's end: who took which project's data out, how much of it, and whether all of it. */
    public void ended(Principal caller, ProjectId project, long entries, long unreadable, Optional<Throwable> failure) {
        if (failure.isEmpty()) {
            LOG.infof("project %s: exported by %s: %d entries, %d unreadable", project.value(), caller.name(), entries, unreadable);
        } else {
            LOG.warnf("project %s: the export by %s stopped after %d entries: %s", project.value(), caller.name(), entries,
                    failure.get().getMessage());
        }
    }

    /** Where a walk is. */
    private static final class Walk {
        CacheKey after;

        Walk(CacheKey after) {
            this.after = after;
        }
    }
}
