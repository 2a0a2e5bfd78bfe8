package infrastructure.rest;

import application.AccessDeniedException;
import application.ExportService;
import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.progress.Progress;
import domain.project.ProjectId;
import com.fasterxml.jackson.databind.ObjectMapper;
import infrastructure.config.StoreConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * A project's export over HTTP: {@code GET /v1/admin/projects/{projectId}/export} (scope {@code admin}
 * on the project), streamed as JSON Lines (format in {@code docs/export-format.md}).
 */
@Path(ExportResource.PATH)
@Tag(name = "admin")
public class ExportResource {

    static final String PATH = "/v1/admin/projects/{projectId}/export";
    /** JSON Lines: one JSON text per line. */
    static final String JSON_LINES = "application/jsonl";
    /** The name of the format, in every export's header line. */
    static final String FORMAT = "cache-domain-export";
    /** Its version: a reader refuses a version it does not know. */
    static final int VERSION = 1;

    /** The example in the OpenAPI document, set there as text by {@link OpenApiDocument} (an annotation's would be read as JSON). */
    static final String EXAMPLE = """
            {"type":"header","format":"cache-domain-export","version":1,"project":"shop","store":"redis","exportedAt":"2026-12-06T07:00:00.000Z"}
            {"type":"cache","key":"user:42:profile","value":{"name":"Ada"},"version":1795341000412318,"tags":["user:42"],\
            "createdAt":"2026-12-06T06:50:00.412Z","expiresAt":"2026-12-06T07:50:00.412Z","ttlMillis":2999588}
            {"type":"progress","id":"import-42","status":"COMPLETED","totalSteps":2,"currentStep":2,"message":"imported",\
            "startedAt":"2026-12-06T06:55:00.000Z","updatedAt":"2026-12-06T06:56:10.000Z","lastSequence":3,"events":[\
            {"sequence":1,"type":"started","step":0,"message":"reading","at":"2026-12-06T06:55:00.000Z"},\
            {"sequence":2,"type":"progress","step":1,"message":"rows 1-1000","at":"2026-12-06T06:55:40.000Z"},\
            {"sequence":3,"type":"completed","step":2,"message":"imported","at":"2026-12-06T06:56:10.000Z"}]}
            {"type":"task","queue":"emails","id":"01JE7Q3ZK4M8V2T6Y9B0C1D2E3","state":"QUEUED","payload":{"to":"ada@example.com"},\
            "attempt":0,"maxAttempts":5,"priority":0,"sequence":12,"runAt":"2026-12-06T06:58:00.000Z","fencingToken":0,\
            "cancelRequested":false,"createdAt":"2026-12-06T06:58:00.000Z","updatedAt":"2026-12-06T06:58:00.000Z"}
            {"type":"end","records":1,"unreadable":0,"progress":1,"tasks":1}
            """;

    private final ExportService exports;
    private final Caller caller;
    private final Clock clock;
    private final String store;
    private final ObjectMapper json;

    public ExportResource(ExportService exports, Caller caller, Clock clock, StoreConfig store, ObjectMapper json) {
        this.json = json;
        this.exports = exports;
        this.caller = caller;
        this.clock = clock;
        this.store = store.store().name().toLowerCase(java.util.Locale.ROOT);
    }

    @GET
    @Produces(JSON_LINES)
    @Operation(summary = "Export a project",
            description = "Streams the project's data as JSON Lines (docs/export-format.md): a header line (format, "
                    + "version, project, source store, time), then one line per record: the live cache entries, in key "
                    + "order, values verbatim, with version, tags, creation, expiry and the TTL left when the line was "
                    + "written (an entry whose stored value cannot be read is named in an unreadable line); the progress "
                    + "operations with their events; the tasks of every queue, without their leases. Then an end line "
                    + "counting them. A file without its end line is incomplete: the store stopped answering or "
                    + "the key was revoked (said in a last error line), or the connection broke. Writers never wait on "
                    + "an export, and its memory does not grow with the project; an instance runs 4 at once at most "
                    + "(429). The values are in clear, encrypted at rest or not: keep the file as you keep the data.")
    @APIResponse(responseCode = "200", description = "The export", content = @Content(mediaType = JSON_LINES,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @Requires(Scope.ADMIN)
    public Multi<byte[]> export(@PathParam("projectId") String projectId,
            @Parameter(description = "a cache key: export only the entries after it in key order (to resume an export that "
                    + "was cut, after the last key it holds)") @QueryParam("after") String after) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        Optional<CacheKey> from = after == null || after.isEmpty() ? Optional.empty()
                : Optional.ofNullable(violations.check("after", () -> CacheKey.of(after)));
        violations.throwIfAny();
        Principal caller = this.caller.principal();
        Uni<Multi<ExportService.Item>> items = exports.cacheEntries(caller, project, from);
        Instant exportedAt = clock.instant();
        AtomicLong records = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong tasks = new AtomicLong();
        AtomicBoolean answered = new AtomicBoolean();
        // The first page is read before the header: a store that does not answer is a 503, not a cut stream.
        Multi<String> lines = Multi.createFrom().uni(items).onItem().transformToMultiAndConcatenate(read -> {
            answered.set(true);
            return Multi.createBy().concatenating().streams(
                    Multi.createFrom().item(header(project, exportedAt, from)),
                    read.map(item -> line(item, records, unreadable, operations, tasks)).filter(line -> !line.isEmpty()),
                    Multi.createFrom().item(() -> "{\"type\":\"end\",\"records\":" + records.get() + ",\"unreadable\":"
                            + unreadable.get() + ",\"progress\":" + operations.get() + ",\"tasks\":" + tasks.get() + "}"));
        })
                .onCompletion().invoke(() -> exports.ended(caller, project, records.get(), unreadable.get(), Optional.empty()))
                // Once the answer has begun, a failure can only end it: said in a last line, so the file reads as
                // cut (it has no end line), and logged once, not as a fault of the framework.
                .onFailure(failure -> answered.get()).recoverWithMulti(failure -> {
                    exports.ended(caller, project, records.get(), unreadable.get(), Optional.of(failure));
                    return Multi.createFrom().item("{\"type\":\"error\",\"detail\":" + quoted(reason(failure)) + "}");
                });
        // Bytes, written as they are; the framework ends each with a line break.
        return RestMulti.fromMultiData(lines.map(line -> line.getBytes(StandardCharsets.UTF_8))).encodeAsJsonArray(false)
                .header("Cache-Control", "no-store").build();
    }

    private String line(ExportService.Item item, AtomicLong records, AtomicLong unreadable, AtomicLong operations, AtomicLong tasks) {
        if (item instanceof ExportService.Item.Operation operation) {
            operations.incrementAndGet();
            return oneLine(progressLine(operation));
        }
        if (item instanceof ExportService.Item.Task task) {
            tasks.incrementAndGet();
            return oneLine(taskLine(task.task()));
        }
        if (item instanceof ExportService.Item.Unreadable u) {
            unreadable.incrementAndGet();
            return "{\"type\":\"unreadable\",\"key\":\"" + u.key().value() + "\"}";
        }
        CacheEntry entry = ((ExportService.Item.Entry) item).entry();
        Instant now = clock.instant();
        if (!entry.expiresAt().isAfter(now.plusMillis(999))) {
            return ""; // expires before an importer could keep it a second
        }
        records.incrementAndGet();
        return cacheLine(entry, now);
    }

    /** A progress operation's line: its state and its retained events, as {@link ImportResource} reads them back. */
    @RegisterForReflection
    record ProgressLine(String type, String id, String status, long totalSteps, long currentStep, String message, String startedAt,
            String updatedAt, long lastSequence, List<EventLine> events) {
    }

    /** One event of an operation's line. */
    @RegisterForReflection
    record EventLine(long sequence, String type, long step, String message, String at) {
    }

    private String progressLine(ExportService.Item.Operation operation) {
        Progress p = operation.progress();
        List<EventLine> events = operation.events().stream().map(e -> new EventLine(e.sequence(), e.type().wireName(), e.step(),
                e.message(), Timestamps.format(e.at()))).toList();
        try {
            // Messages are the operations' own text: written by Jackson, which escapes what JSON and line splitters need.
            return json.writeValueAsString(new ProgressLine("progress", p.id().value(), p.status().name(), p.totalSteps(),
                    p.currentStep(), p.message(), Timestamps.format(p.startedAt()), Timestamps.format(p.updatedAt()), p.lastSequence(),
                    events));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A task's line: its state, attempts, times and JSON as {@link ImportResource} reads them back. Never
     * its lease: a worker's lease does not carry over, so a running task is imported waiting again.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    record TaskLine(String type, String queue, String id, String state, @com.fasterxml.jackson.annotation.JsonRawValue String payload,
            int attempt, int maxAttempts, int priority, long sequence, String runAt, long fencingToken, String idempotencyKey,
            String progressId, @com.fasterxml.jackson.annotation.JsonRawValue String result, String lastError, boolean cancelRequested,
            String createdAt, String updatedAt, String finishedAt) {
    }

    private String taskLine(domain.task.Task t) {
        try {
            return json.writeValueAsString(new TaskLine("task", t.queue().value(), t.id().value(), t.state().name(), t.payload(),
                    t.attempt(), t.maxAttempts(), t.priority().value(), t.sequence(), Timestamps.format(t.runAt()), t.fencingToken(),
                    t.idempotencyKey().map(k -> k.value()).orElse(null), t.progressId().map(p -> p.value()).orElse(null),
                    t.result().orElse(null), t.lastError().orElse(null), t.cancelRequested(), Timestamps.format(t.createdAt()),
                    Timestamps.format(t.updatedAt()), t.finishedAt().map(Timestamps::format).orElse(null)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(Throwable failure) {
        if (failure instanceof AccessDeniedException) {
            return "the credential no longer permits this export";
        }
        return "the store stopped answering (" + failure.getClass().getSimpleName() + "); this export is incomplete";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private String header(ProjectId project, Instant exportedAt, Optional<CacheKey> after) {
        return "{\"type\":\"header\",\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + ",\"project\":\"" + project.value()
                + "\",\"store\":\"" + store + "\",\"exportedAt\":\"" + Timestamps.format(exportedAt) + "\""
                + after.map(key -> ",\"after\":\"" + key.value() + "\"").orElse("") + "}";
    }

    /**
     * JSON text on one line, readable by any line splitter, meaning the same: a line break outside a JSON
     * string is whitespace, and inside one it cannot be (it is escaped); U+2028, U+2029 and U+0085, which
     * some splitters break at, can only be inside strings, where their escapes mean the same.
     */
    static String oneLine(String json) {
        if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            json = json.replace('\n', ' ').replace('\r', ' ');
        }
        if (json.indexOf('\u2028') >= 0 || json.indexOf('\u2029') >= 0 || json.indexOf('\u0085') >= 0) {
            json = json.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085");
        }
        return json;
    }

    /**
     * One entry's line. Keys and tags need no escaping (their alphabet has no quote, backslash or
     * control character); the value is stored JSON, written verbatim, but on one line and readable by
     * any line splitter: a line break outside a JSON string is whitespace, and inside one it cannot be
     * (it is escaped); U+2028, U+2029 and U+0085, which some splitters break at, can only be inside
     * strings, where their escapes mean the same.
     */
    static String cacheLine(CacheEntry entry, Instant now) {
        String value = oneLine(entry.value());
        List<String> tags = entry.tags().stream().map(t -> t.value()).sorted().toList();
        StringBuilder out = new StringBuilder(200 + value.length() + 16 * tags.size());
        out.append("{\"type\":\"cache\",\"key\":\"").append(entry.key().value()).append("\",\"value\":").append(value)
                .append(",\"version\":").append(entry.version()).append(",\"tags\":[");
        for (int i = 0; i < tags.size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(tags.get(i)).append('"');
        }
        long ttl = Math.max(0, Duration.between(now, entry.expiresAt()).toMillis());
        return out.append("],\"createdAt\":\"").append(Timestamps.format(entry.createdAt()))
                .append("\",\"expiresAt\":\"").append(Timestamps.format(entry.expiresAt()))
                .append("\",\"ttlMillis\":").append(ttl).append('}').toString();
    }

}
