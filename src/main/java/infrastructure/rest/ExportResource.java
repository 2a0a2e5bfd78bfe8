package infrastructure.rest;

import application.ExportService;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.project.ProjectId;
import infrastructure.config.StoreConfig;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
            {"type":"end","records":1}
            """;

    private final ExportService exports;
    private final Caller caller;
    private final Clock clock;
    private final String store;

    public ExportResource(ExportService exports, Caller caller, Clock clock, StoreConfig store) {
        this.exports = exports;
        this.caller = caller;
        this.clock = clock;
        this.store = store.store().name().toLowerCase(java.util.Locale.ROOT);
    }

    @GET
    @Produces(JSON_LINES)
    @Operation(summary = "Export a project",
            description = "Streams the project's data as JSON Lines: a header line (format, version, project, source "
                    + "store, time), then one line per record (today the live cache entries, in key order, values "
                    + "verbatim, with version, tags, creation, expiry and the TTL left when the line was written), then "
                    + "an end line counting the records. A stream without its end line was cut (the store stopped "
                    + "answering, or the connection broke): start again. Writers never wait on an export, and its "
                    + "memory does not grow with the project. The values are in clear, encrypted at rest or not: "
                    + "keep the file as you keep the data.")
    @APIResponse(responseCode = "200", description = "The export", content = @Content(mediaType = JSON_LINES,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @Requires(Scope.ADMIN)
    public Multi<byte[]> export(@PathParam("projectId") String projectId) {
        ProjectId project = project(projectId);
        Multi<List<CacheEntry>> pages = exports.cacheEntries(caller.principal(), project);
        Instant exportedAt = clock.instant();
        AtomicLong records = new AtomicLong();
        // One chunk per page of entries: the framework ends each chunk with a line break.
        Multi<byte[]> lines = Multi.createBy().concatenating().streams(
                Multi.createFrom().item(() -> utf8(header(project, exportedAt))),
                pages.map(page -> {
                    records.addAndGet(page.size());
                    Instant now = clock.instant();
                    StringBuilder chunk = new StringBuilder(page.size() * 256);
                    for (CacheEntry entry : page) {
                        chunk.append(chunk.isEmpty() ? "" : "\n").append(cacheLine(entry, now));
                    }
                    return utf8(chunk.toString());
                }),
                Multi.createFrom().item(() -> utf8("{\"type\":\"end\",\"records\":" + records.get() + "}")));
        return RestMulti.fromMultiData(lines).encodeAsJsonArray(false).build();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String header(ProjectId project, Instant exportedAt) {
        return "{\"type\":\"header\",\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + ",\"project\":\"" + project.value()
                + "\",\"store\":\"" + store + "\",\"exportedAt\":\"" + Timestamps.format(exportedAt) + "\"}";
    }

    /**
     * One entry's line. Keys and tags need no escaping (their alphabet has no quote, backslash or
     * control character); the value is stored JSON, written verbatim, but on one line: a line break
     * outside a JSON string is whitespace, and inside one it cannot be (it would be escaped).
     */
    static String cacheLine(CacheEntry entry, Instant now) {
        String value = entry.value();
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            value = value.replace('\n', ' ').replace('\r', ' ');
        }
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

    private static ProjectId project(String projectId) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        violations.throwIfAny();
        return project;
    }
}
