package infrastructure.rest;

import application.ImportService;
import application.RequestContexts;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.InvalidValueException;
import domain.access.Scope;
import domain.cache.CacheKey;
import domain.cache.CachePolicy;
import domain.cache.CacheTag;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.ValueTooLargeException;
import domain.project.ProjectId;
import domain.task.TaskLimits;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A project's import over HTTP: {@code POST /v1/admin/projects/{projectId}/import} (scope {@code admin}
 * on the project), an export file in (docs/export-format.md), a report out. Every line is checked
 * before anything is written: a file with a bad line is refused whole, naming each bad line.
 */
@Path(ImportResource.PATH)
@Tag(name = "admin")
public class ImportResource {

    static final String PATH = "/v1/admin/projects/{projectId}/import";
    /** Seconds an entry may expire past the longest TTL from now and be cut to it: the clocks' difference. */
    static final long SKEW_SECONDS = 5;

    private final RequestContexts contexts;
    private final ImportService imports;
    private final Caller caller;
    private final ObjectMapper json;
    private final CachePolicy policy;
    private final Clock clock;
    private final domain.progress.ProgressPolicy progressPolicy;
    /** The highest event sequence an import takes: far beyond any operation's, and exact in every store (Redis's Lua numbers included). */
    static final long MAX_SEQUENCE = 1_000_000_000_000L;
    /** How far before its start an operation's update may read: the clocks of the instances that recorded them may differ. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final application.TaskSettings taskSettings;

    public ImportResource(ImportService imports, Caller caller, ObjectMapper json, CachePolicy policy, Clock clock,
            domain.progress.ProgressPolicy progressPolicy, application.TaskSettings taskSettings, RequestContexts contexts) {
        this.contexts = contexts;
        this.taskSettings = taskSettings;
        this.progressPolicy = progressPolicy;
        this.imports = imports;
        this.caller = caller;
        this.json = json;
        this.policy = policy;
        this.clock = clock;
    }

    /** Any line of an export: which fields it has depends on its type; fields unknown here are left alone. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @RegisterForReflection
    record Line(String type, String format, Long version, String key, JsonValue value, List<String> tags, Instant createdAt,
            Instant expiresAt, Long records, Long unreadable, String detail,
            String id, String status, Long totalSteps, Long currentStep, String message, Instant startedAt, Instant updatedAt,
            Long lastSequence, List<EventLine> events, Long progress,
            String queue, String state, JsonValue payload, Integer attempt, Integer maxAttempts, Integer priority, Long sequence,
            Instant runAt, Long fencingToken, String idempotencyKey, String progressId, JsonValue result, String lastError,
            Boolean cancelRequested, Instant finishedAt, Long tasks) implements JsonLinesFile.Line {
    }

    /** One event of a progress line. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @RegisterForReflection
    record EventLine(Long sequence, String type, Long step, String message, Instant at) {
    }

    /** What an import did, or would do. */
    @RegisterForReflection
    public record ImportReport(String project, String mode, boolean dryRun,
            @Schema(description = "entries in the file") long entries,
            @Schema(description = "entries written (in a dry run: that would be)") long written,
            @Schema(description = "entries the project held as imported already") long unchanged,
            @Schema(description = "entries the project holds in a newer version, kept") long conflicts,
            @Schema(description = "entries removed first (mode replace)") long removed,
            @Schema(description = "entries left out: expired, or unreadable where they were exported") long skipped,
            @Schema(description = "the first 100 conflicting keys") List<String> conflictingKeys,
            @Schema(description = "progress operations in the file") long operations,
            @Schema(description = "progress operations stored (in a dry run: that would be)") long operationsWritten,
            @Schema(description = "progress operations the project holds under the same id already, kept as they are") long operationsExisting,
            @Schema(description = "progress operations whose time ran out (their ttl after their last update)") long operationsExpired,
            @Schema(description = "tasks in the file") long tasks,
            @Schema(description = "tasks stored (in a dry run: that would be); a running one is stored waiting again") long tasksWritten,
            @Schema(description = "tasks the project's queue holds under the same id already, kept as they are") long tasksExisting,
            @Schema(description = "finished tasks whose retention passed") long tasksExpired) {

        static final String EXAMPLE = "{\"project\": \"shop\", \"mode\": \"merge\", \"dryRun\": false, \"entries\": 2000, "
                + "\"written\": 1997, \"unchanged\": 0, \"conflicts\": 2, \"removed\": 0, \"skipped\": 1, "
                + "\"conflictingKeys\": [\"cart:17\", \"user:42:profile\"], \"operations\": 3, \"operationsWritten\": 2, "
                + "\"operationsExisting\": 1, \"operationsExpired\": 0, \"tasks\": 4, \"tasksWritten\": 4, \"tasksExisting\": 0, "
                + "\"tasksExpired\": 0}";
    }

    @POST
    @Consumes({ExportResource.JSON_LINES, "application/x-ndjson"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a project",
            description = "Takes an export file (JSON Lines, docs/export-format.md), of this project or another, and "
                    + "writes its entries into the project. Every line is checked first: a file with a bad line (or "
                    + "without its end line) is refused whole with a 400 problem naming each bad line by number, and "
                    + "nothing is written. An entry keeps its creation, expires when it expired there (to the second), "
                    + "and takes a version at least its version there. mode=merge (the default) keeps the project's "
                    + "entries, and replaces one only if it is not newer than the imported one (else a conflict, "
                    + "counted); mode=replace removes the project's entries first. dryRun=true reads what would "
                    + "change and writes nothing. Importing the same file again finishes an import that stopped: "
                    + "what was written is found unchanged.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImportReport.class),
            examples = @ExampleObject(name = "merged", value = ImportReport.EXAMPLE)))
    @Requires(Scope.ADMIN)
    public Uni<ImportReport> importProject(@PathParam("projectId") String projectId,
            @Parameter(description = "merge (default) or replace") @QueryParam("mode") @DefaultValue("merge") String mode,
            @Parameter(description = "true: report what would change, write nothing") @QueryParam("dryRun")
            @DefaultValue("false") String dryRun,
            byte[] file) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ImportService.Mode chosen = violations.check("mode", () -> mode(mode));
        Boolean dry = violations.check("dryRun", () -> flag("dryRun", dryRun));
        violations.throwIfAny();
        domain.access.Principal principal = caller.principal(); // the request's: read here, not on the worker
        imports.authorize(principal, project);
        byte[] body = file == null ? new byte[0] : file;
        // Reading up to the import limit of lines takes a while: on a worker, never on the event loop; the
        // import's use cases then run back in the request's context, where its trace is.
        return contexts.onCaller(Uni.createFrom().item(() -> check(body, project, clock.instant()))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .chain(checked -> imports.importEntries(principal, project, checked.entries, chosen, dry)
                        .chain(report -> imports.importOperations(principal, project, checked.operations, dry)
                                .chain(operations -> imports.importTasks(principal, project, checked.tasks, dry)
                                        .map(tasks -> new ImportReport(project.value(), chosen.name().toLowerCase(Locale.ROOT), dry,
                                                checked.records, report.written(), report.unchanged(), report.conflicts(), report.removed(),
                                                checked.skipped + report.expired(),
                                                report.conflictingKeys().stream().map(CacheKey::value).toList(),
                                                checked.operations.size(), operations.written(), operations.existing(),
                                                operations.expired(), checked.tasks.size(), tasks.written(), tasks.existing(),
                                                tasks.expired())))));
    }

    private static ImportService.Mode mode(String mode) {
        return switch (mode) {
            case "merge" -> ImportService.Mode.MERGE;
            case "replace" -> ImportService.Mode.REPLACE;
            default -> throw new InvalidValueException("mode is merge or replace");
        };
    }

    /** A query flag: {@code true} or {@code false}, nothing else. */
    static boolean flag(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidValueException(name + " is true or false");
        };
    }

    /**
     * A file's entries, checked.
     *
     * @param records its entries, written or not (cache and unreadable lines)
     * @param skipped of those, how many are left out: expired, or unreadable where they came from; and records of a
     *                type this version does not know
     */
    private record Checked(List<ImportService.Entry> entries, long records, long skipped, List<ImportService.Operation> operations,
            List<domain.task.Task> tasks) {
    }

    /**
     * Reads every line; refuses the file, naming its bad lines, unless every line is sound: a header
     * first, entries, an end line last whose counts match.
     */
    Checked check(byte[] file, ProjectId project, Instant now) {
        JsonLinesFile<Line> lines = new JsonLinesFile<>(json, Line.class, ExportResource.FORMAT, ExportResource.VERSION);
        FileCheck check = new FileCheck(lines, project, now);
        lines.read(file, check);
        lines.throwIfBad();
        return new Checked(check.entries, check.cacheLines + check.unreadableLines, check.skipped, check.operations, check.tasks);
    }

    /** The records of one file as they are read, and the end line's counts checked against them. */
    private final class FileCheck implements JsonLinesFile.Lines<Line> {
        final JsonLinesFile<Line> lines;
        final ProjectId project;
        final Instant now;
        final List<ImportService.Entry> entries = new ArrayList<>();
        final List<ImportService.Operation> operations = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        final Map<String, Integer> seenOperations = new HashMap<>();
        final List<domain.task.Task> tasks = new ArrayList<>();
        final Map<String, Integer> seenTasks = new HashMap<>();
        long taskLines;
        long progressLines;
        long cacheLines;
        long unreadableLines;
        long skipped;

        FileCheck(JsonLinesFile<Line> lines, ProjectId project, Instant now) {
            this.lines = lines;
            this.project = project;
            this.now = now;
        }

        @Override
        public void record(int number, String type, Line line) {
            switch (type) {
                case "cache" -> {
                    cacheLines++;
                    try {
                        ImportService.Entry entry = entry(line, now);
                        if (entry == null) {
                            skipped++;
                            return;
                        }
                        Integer before = seen.putIfAbsent(entry.key().value(), number);
                        if (before != null) {
                            lines.note(number, "repeats the key " + entry.key().value() + " of line " + before);
                            return;
                        }
                        entries.add(entry);
                    } catch (InvalidValueException e) {
                        lines.note(number, e.rule());
                    } catch (ValueTooLargeException | ArithmeticException | java.time.DateTimeException e) {
                        lines.note(number, e.getMessage());
                    }
                }
                case "unreadable" -> {
                    unreadableLines++;
                    skipped++;
                }
                case "progress" -> {
                    progressLines++;
                    try {
                        ImportService.Operation operation = operation(line, project, now);
                        Integer before = seenOperations.putIfAbsent(operation.progress().id().value(), number);
                        if (before != null) {
                            lines.note(number, "repeats the operation " + operation.progress().id().value() + " of line " + before);
                            return;
                        }
                        operations.add(operation);
                    } catch (InvalidValueException e) {
                        lines.note(number, e.rule());
                    } catch (ArithmeticException | java.time.DateTimeException e) {
                        lines.note(number, "has a time out of range");
                    }
                }
                case "task" -> {
                    taskLines++;
                    try {
                        domain.task.Task task = task(line, project, now);
                        // A task may come twice (Redis's HSCAN may repeat one, in another state by then): the later is kept.
                        Integer before = seenTasks.putIfAbsent(task.queue().value() + "/" + task.id().value(), tasks.size());
                        if (before == null) {
                            tasks.add(task);
                        } else if (task.updatedAt().isAfter(tasks.get(before).updatedAt())) {
                            tasks.set(before, task);
                        }
                    } catch (InvalidValueException e) {
                        lines.note(number, e.rule());
                    } catch (ValueTooLargeException | ArithmeticException | java.time.DateTimeException e) {
                        lines.note(number, e.getMessage());
                    }
                }
                default -> skipped++; // a record of a kind this version does not know: left out, as the format says
            }
        }

        @Override
        public void end(int number, Line line) {
            if (line.records() == null || line.records() != cacheLines) {
                lines.note(number, "counts " + line.records() + " entries; the file holds " + cacheLines);
            }
            if (line.unreadable() != null && line.unreadable() != unreadableLines) {
                lines.note(number, "counts " + line.unreadable() + " unreadable entries; the file holds " + unreadableLines);
            }
            if (line.progress() != null && line.progress() != progressLines) {
                lines.note(number, "counts " + line.progress() + " progress operations; the file holds " + progressLines);
            }
            if (line.tasks() != null && line.tasks() != taskLines) {
                lines.note(number, "counts " + line.tasks() + " tasks; the file holds " + taskLines);
            }
        }
    }

    /**
     * A progress line as the operation it brings in: its id, state and events each by the rules of
     * this service (steps and message within its limits; events in ascending sequence, the last one the
     * operation's, at most the number it retains: the newest are kept).
     */
    private ImportService.Operation operation(Line line, ProjectId project, Instant now) {
        domain.progress.ProgressId id = domain.progress.ProgressId.of(line.id() == null ? "" : line.id());
        if (line.status() == null || line.totalSteps() == null || line.currentStep() == null || line.startedAt() == null
                || line.updatedAt() == null || line.lastSequence() == null) {
            throw new InvalidValueException("lacks status, totalSteps, currentStep, startedAt, updatedAt or lastSequence");
        }
        domain.progress.ProgressStatus status = domain.progress.ProgressStatus.parse(line.status());
        if (line.totalSteps() < 1 || line.totalSteps() > progressPolicy.maxTotalSteps() || line.currentStep() < 0
                || line.currentStep() > line.totalSteps()) {
            throw new InvalidValueException("has steps out of their rule: totalSteps 1 to " + progressPolicy.maxTotalSteps()
                    + ", currentStep 0 to totalSteps");
        }
        Instant latest = now.plus(Duration.ofDays(1));
        // Instances' clocks differ a little: an update recorded on one a little behind the starter's may read as earlier.
        Instant earliest = line.startedAt().minus(CLOCK_SKEW);
        if (line.startedAt().isBefore(Instant.EPOCH) || line.updatedAt().isBefore(earliest) || line.updatedAt().isAfter(latest)) {
            throw new InvalidValueException("started before 1970, was updated before it started, or in the future");
        }
        if (line.lastSequence() < 1 || line.lastSequence() > MAX_SEQUENCE) {
            throw new InvalidValueException("has a lastSequence out of its rule: 1 to " + MAX_SEQUENCE);
        }
        List<domain.progress.ProgressEvent> events = new ArrayList<>();
        long previous = 0;
        for (EventLine event : line.events() == null ? List.<EventLine>of() : line.events()) {
            if (event == null || event.sequence() == null || event.type() == null || event.step() == null || event.at() == null
                    || event.sequence() <= previous || event.sequence() > line.lastSequence() || event.step() < 0) {
                throw new InvalidValueException("has an event that is incomplete, out of sequence, or after lastSequence");
            }
            if (event.at().isBefore(earliest) || event.at().isAfter(latest)) {
                throw new InvalidValueException("has an event before the operation started, or in the future");
            }
            domain.progress.ProgressEventType type = domain.progress.ProgressEventType.parse(event.type());
            if ((type == domain.progress.ProgressEventType.STARTED) != (event.sequence() == 1)) {
                throw new InvalidValueException("has a started event other than its first (sequence 1), or a first that is not one");
            }
            if (type.isTerminal() && event.sequence() != line.lastSequence()) {
                throw new InvalidValueException("has an operation's end (" + event.type() + ") before its last event");
            }
            previous = event.sequence();
            events.add(new domain.progress.ProgressEvent(event.sequence(), type, event.step(),
                    progressPolicy.message(event.message() == null ? "" : event.message()), event.at()));
        }
        if (!events.isEmpty() && previous != line.lastSequence()) {
            throw new InvalidValueException("has events that end before its lastSequence");
        }
        if (!events.isEmpty() && events.get(events.size() - 1).type().isTerminal() != status.isTerminal()) {
            throw new InvalidValueException("has a status (" + status + ") its last event (" + events.get(events.size() - 1).type()
                    .wireName() + ") contradicts");
        }
        if (events.size() > progressPolicy.maxRetainedEvents()) {
            events = new ArrayList<>(events.subList(events.size() - progressPolicy.maxRetainedEvents(), events.size()));
        }
        return new ImportService.Operation(new domain.progress.Progress(project, id, line.totalSteps(), line.currentStep(), status,
                progressPolicy.message(line.message() == null ? "" : line.message()), line.startedAt(), line.updatedAt(),
                line.lastSequence()), events);
    }

    /**
     * A task's line as the task it brings into the project: its queue, id, state, attempts, priority,
     * times and JSON each by the rules of this service (payload and result within the task size limit,
     * an error within its length, times in order, finished exactly when its state is), and without a
     * lease: a running task is given up as its lease's expiry would ({@link domain.task.Task#copiedAt}).
     */
    private domain.task.Task task(Line line, ProjectId project, Instant now) {
        domain.task.QueueName queue = domain.task.QueueName.of(line.queue() == null ? "" : line.queue());
        domain.task.TaskId id = domain.task.TaskId.of(line.id() == null ? "" : line.id());
        if (line.state() == null || line.payload() == null || line.attempt() == null || line.maxAttempts() == null
                || line.priority() == null || line.sequence() == null || line.runAt() == null || line.fencingToken() == null
                || line.createdAt() == null || line.updatedAt() == null) {
            throw new InvalidValueException("lacks state, payload, attempt, maxAttempts, priority, sequence, runAt, fencingToken, "
                    + "createdAt or updatedAt");
        }
        domain.task.TaskState state;
        try {
            state = domain.task.TaskState.valueOf(line.state());
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("has a state that is none of " + java.util.Arrays.toString(domain.task.TaskState.values()));
        }
        TaskLimits.attempts("maxAttempts", line.maxAttempts());

        for (JsonValue json : java.util.Arrays.asList(line.payload(), line.result())) {
            long bytes = json == null ? 0 : json.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > taskSettings.payloadMaxBytes()) {
                throw new ValueTooLargeException(bytes, taskSettings.payloadMaxBytes());
            }
        }
        Instant latest = now.plus(CLOCK_SKEW);
        if (line.createdAt().isBefore(Instant.EPOCH) || line.createdAt().isAfter(latest) || line.updatedAt().isBefore(line.createdAt())
                || line.updatedAt().isAfter(latest) || line.runAt().isBefore(line.createdAt())
                || line.runAt().isAfter(now.plus(domain.task.TaskLimits.MAX_DELAY).plus(CLOCK_SKEW))) {
            throw new InvalidValueException("has its times out of order: created (after 1970, not in the future), then updated, "
                    + "and a runAt from its creation to 30 days from now");
        }
        if (line.finishedAt() != null && (line.finishedAt().isBefore(line.createdAt()) || line.finishedAt().isAfter(latest))) {
            throw new InvalidValueException("has a finishedAt before its creation or in the future");
        }
        domain.task.Task task = new domain.task.Task(project, queue, id, line.payload().text(), state, line.attempt(), line.maxAttempts(),
                domain.task.Priority.of(line.priority()), line.sequence(), line.runAt(), java.util.Optional.empty(), line.fencingToken(),
                java.util.Optional.ofNullable(line.idempotencyKey()).map(domain.task.IdempotencyKey::of),
                java.util.Optional.ofNullable(line.progressId()).map(domain.progress.ProgressId::of),
                java.util.Optional.ofNullable(line.result()).map(JsonValue::text),
                java.util.Optional.ofNullable(line.lastError()).map(domain.task.TaskLimits::error),
                Boolean.TRUE.equals(line.cancelRequested()), line.createdAt(), line.updatedAt(),
                java.util.Optional.ofNullable(line.finishedAt()));
        task.requireConsistent();
        return task.copiedAt(now);
    }

    /** An entry's line as the write that imports it; null for an entry that expires before it could be kept a second. */
    private ImportService.Entry entry(Line line, Instant now) {
        CacheKey key = CacheKey.of(line.key() == null ? "" : line.key());
        if (line.value() == null) {
            throw new InvalidValueException("has no value");
        }
        if (line.version() == null || line.version() < 1) {
            throw new InvalidValueException("has no version (a positive integer)");
        }
        if (line.createdAt() == null || line.expiresAt() == null) {
            throw new InvalidValueException("lacks createdAt or expiresAt");
        }
        if (line.createdAt().isBefore(Instant.EPOCH) || line.createdAt().isAfter(now.plus(Duration.ofDays(1)))) {
            throw new InvalidValueException("has a createdAt before 1970 or in the future");
        }
        if (line.expiresAt().isBefore(line.createdAt())) {
            throw new InvalidValueException("expires before it was created");
        }
        if (line.expiresAt().isAfter(now.plus(Duration.ofSeconds(policy.maxTtl().seconds() + SKEW_SECONDS)))) {
            throw new InvalidValueException("expires later than this service's longest TTL (" + policy.maxTtl().seconds()
                    + " seconds) allows");
        }
        Set<CacheTag> tags = new HashSet<>();
        for (String tag : line.tags() == null ? List.<String>of() : line.tags()) {
            tags.add(CacheTag.of(tag));
        }
        long seconds = Math.round(Duration.between(now, line.expiresAt()).toMillis() / 1000.0);
        if (seconds < 1) {
            return null;
        }
        // A few seconds over the longest TTL are the clocks' difference, not a longer life: cut to it.
        seconds = Math.min(seconds, policy.maxTtl().seconds());
        CacheWrite write = policy.write(line.value().text(), OptionalLong.of(seconds), tags, Precondition.always())
                .from(new CacheWrite.Origin(line.version(), line.createdAt()));
        return new ImportService.Entry(key, write, line.expiresAt());
    }
}
