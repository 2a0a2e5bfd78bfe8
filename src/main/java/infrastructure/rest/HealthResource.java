package infrastructure.rest;

import application.HealthReport;
import application.HealthService;
import domain.encryption.ValueFormat;
import application.SlowOperations.SlowOperation;
import domain.access.Scope;
import domain.store.SlowCommand;
import domain.store.StoreStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The operator's health report: {@code GET /v1/admin/health}, scope {@code admin}. */
@Path("/v1/admin/health")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operating the service")
public class HealthResource {

    private final HealthService health;
    private final Caller caller;

    public HealthResource(HealthService health, Caller caller) {
        this.health = health;
        this.caller = caller;
    }

    /** The report as served. */
    @RegisterForReflection
    public record HealthView(String status, StoreView store, Map<String, String> breakers, SlowOperationsView slowOperations,
            List<String> warnings, ValuesView values) {

        /** Redis answers, every breaker is closed, one slow operation and one slow command were seen lately. */
        static final String UP = "{\"status\": \"UP\", \"store\": {\"type\": \"redis\", \"reachable\": true, \"error\": null, "
                + "\"version\": \"7.2.4\", \"latencyMillis\": 0.214, \"memory\": {\"usedBytes\": 1203456, \"maxBytes\": 4294967296, "
                + "\"usedPercent\": 0.028020143508911133}, \"evictionPolicy\": \"noeviction\", \"slowlog\": {\"length\": 1, "
                + "\"recent\": [{\"command\": \"EVALSHA\", \"micros\": 12840, \"at\": \"2026-11-22T09:41:02.000Z\"}]}, "
                + "\"security\": {\"tls\": true, \"auth\": \"acl-user\", \"user\": \"cache-domain\", \"protectedMode\": null, "
                + "\"warnings\": []}}, "
                + "\"breakers\": {\"cache\": \"closed\", \"sessions\": \"closed\", \"ratelimit\": \"closed\", "
                + "\"apikeys\": \"closed\", \"progress\": \"closed\", \"tasks\": \"closed\"}, \"slowOperations\": "
                + "{\"thresholdMillis\": 100.0, \"total\": 1, \"recent\": [{\"operation\": \"cache.invalidate\", \"millis\": 143.7, "
                + "\"outcome\": \"ok\", \"at\": \"2026-11-22T09:41:02.118Z\"}]}, \"warnings\": [], "
                + "\"values\": {\"compression\": {\"enabled\": true, \"minSize\": 1024, \"level\": 3}, \"encrypted\": false, "
                + "\"keyEncryptionKey\": \"local-3f9a0c1d22b7e6a4\", \"projects\": [{\"project\": \"shop\", "
                + "\"compression\": {\"enabled\": true, \"minSize\": 1024, \"level\": 3}, \"encrypted\": true, "
                + "\"primaryKey\": \"2866157035\", \"keys\": [{\"id\": \"1377712095\", \"status\": \"disabled\"}, "
                + "{\"id\": \"2866157035\", \"status\": \"enabled\"}], \"lastRotation\": {\"primaryKey\": \"2866157035\", "
                + "\"startedAt\": \"2026-11-22T09:30:00.000Z\", \"finishedAt\": \"2026-11-22T09:30:14.200Z\"}}]}}";
        /** Redis does not answer: the store's fields are null but its error, and the cache's breaker has opened. */
        static final String DOWN = "{\"status\": \"DOWN\", \"store\": {\"type\": null, \"reachable\": false, "
                + "\"error\": \"redis did not answer PING in time\", \"version\": null, \"latencyMillis\": null, \"memory\": null, "
                + "\"evictionPolicy\": null, \"slowlog\": null, \"security\": null}, \"breakers\": {\"cache\": \"open\", "
                + "\"sessions\": \"closed\", "
                + "\"ratelimit\": \"closed\", \"apikeys\": \"closed\", \"progress\": \"closed\", \"tasks\": \"closed\"}, "
                + "\"slowOperations\": {\"thresholdMillis\": 100.0, \"total\": 0, \"recent\": []}, "
                + "\"warnings\": [\"circuit breaker cache is open: cache answers by its failure policy\"], "
                + "\"values\": {\"compression\": {\"enabled\": true, \"minSize\": 1024, \"level\": 3}, \"encrypted\": false, "
                + "\"keyEncryptionKey\": null, \"projects\": []}}";

        static HealthView from(HealthReport report) {
            StoreView store = report.store().map(StoreView::from)
                    .orElseGet(() -> StoreView.unreachable(report.storeError().orElse("the store did not answer")));
            return new HealthView(report.status().name(), store, report.breakers(),
                    new SlowOperationsView(report.slowThreshold().toNanos() / 1e6, report.slowTotal(),
                            report.slowOperations().stream().map(SlowOperationView::from).toList()),
                    report.warnings(), ValuesView.from(report.values()));
        }
    }

    /** Compression of values: on or off, from which size, at which zstd level. */
    @RegisterForReflection
    public record CompressionView(boolean enabled, int minSize, int level) {

        static CompressionView from(ValueFormat format) {
            return new CompressionView(format.compress(), format.minSize(), format.level());
        }
    }

    /**
     * How values are stored: the service's setting, the key-encryption key's id (never the key), and the
     * projects with a setting of their own or a key rotation (the first 100 by id).
     */
    @RegisterForReflection
    public record ValuesView(CompressionView compression, boolean encrypted,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when none is configured") String keyEncryptionKey,
            List<ProjectValuesView> projects) {

        static ValuesView from(HealthReport.Values values) {
            return new ValuesView(CompressionView.from(values.service()), values.service().encrypt(),
                    values.keyEncryptionKeyId().orElse(null), values.projects().stream().map(ProjectValuesView::from).toList());
        }
    }

    /** One project: its setting, its keys (ids and states; none until it encrypts), its latest rotation. */
    @RegisterForReflection
    public record ProjectValuesView(String project, CompressionView compression, boolean encrypted,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when the project has no keys") String primaryKey,
            List<KeyResource.KeyView> keys,
            @Schema(implementation = KeyResource.RotationView.class, nullable = true, description = "null when never rotated")
            KeyResource.RotationView lastRotation) {

        static ProjectValuesView from(HealthReport.ProjectValues p) {
            return new ProjectValuesView(p.project().value(), CompressionView.from(p.format()), p.format().encrypt(),
                    p.keys().map(k -> Integer.toUnsignedString(k.primaryKeyId())).orElse(null),
                    p.keys().map(KeyResource::keys).orElse(List.of()),
                    p.lastRotation().map(KeyResource.RotationView::from).orElse(null));
        }
    }

    /** The store: reachability, latency, memory, eviction policy and its own slow log. */
    @RegisterForReflection
    public record StoreView(@Schema(type = SchemaType.STRING, nullable = true, description = "null when unreachable") String type,
            boolean reachable,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when reachable") String error,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when unreachable or not told") String version,
            @Schema(type = SchemaType.NUMBER, format = "double", nullable = true, description = "null when unreachable")
            Double latencyMillis,
            @Schema(implementation = MemoryView.class, nullable = true, description = "null when unreachable") MemoryView memory,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when unreachable") String evictionPolicy,
            @Schema(implementation = SlowlogView.class, nullable = true, description = "null when unreachable") SlowlogView slowlog,
            @Schema(implementation = SecurityView.class, nullable = true, description = "null when unreachable, or for a store in "
                    + "process (memory, embedded)") SecurityView security) {

        static StoreView from(StoreStatus s) {
            return new StoreView(s.store(), true, null, s.version().orElse(null), s.latency().toNanos() / 1e6,
                    new MemoryView(s.usedBytes(), s.maxBytes(), s.usedPercent().isPresent() ? s.usedPercent().getAsDouble() : null),
                    s.eviction().name(), new SlowlogView(s.slowlogLength(), s.slowCommands().stream().map(SlowCommandView::from).toList()),
                    s.security().map(SecurityView::from).orElse(null));
        }

        static StoreView unreachable(String error) {
            return new StoreView(null, false, error, null, null, null, null, null, null);
        }
    }

    /**
     * How the connection to the store stands, security-wise (the seed's security status): TLS, how the service
     * authenticates, the ACL user the store says it is, the store's protected-mode, and what to fix. These
     * warnings do not make the report DEGRADED: a store on this machine without a password is a choice.
     */
    @RegisterForReflection
    public record SecurityView(
            @Schema(type = SchemaType.BOOLEAN, nullable = true, description = "null when the service cannot tell") Boolean tls,
            @Schema(enumeration = {"none", "password", "acl-user", "unknown"}) String auth,
            @Schema(type = SchemaType.STRING, nullable = true, description = "null when the store did not say (ACL WHOAMI)") String user,
            @Schema(type = SchemaType.BOOLEAN, nullable = true, description = "null when the store would not say (CONFIG GET)")
            Boolean protectedMode,
            List<String> warnings) {

        static SecurityView from(domain.store.StoreSecurity s) {
            return new SecurityView(s.tls().orElse(null), s.auth().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    s.user().orElse(null), s.protectedMode().orElse(null), s.warnings());
        }
    }

    /** Memory in use and its limit ({@code maxBytes} 0: no limit, {@code usedPercent} null). */
    @RegisterForReflection
    public record MemoryView(long usedBytes, long maxBytes,
            @Schema(type = SchemaType.NUMBER, format = "double", nullable = true, description = "null when maxBytes is 0")
            Double usedPercent) {
    }

    /** The store's own slow log: how many it keeps, and the newest, by command name only. */
    @RegisterForReflection
    public record SlowlogView(long length, List<SlowCommandView> recent) {
    }

    /** One slow command: its name and duration, never its arguments. */
    @RegisterForReflection
    public record SlowCommandView(String command, long micros, Instant at) {

        static SlowCommandView from(SlowCommand c) {
            return new SlowCommandView(c.command(), c.took().toNanos() / 1_000, c.at());
        }
    }

    /** The service's own slow operations. */
    @RegisterForReflection
    public record SlowOperationsView(double thresholdMillis, long total, List<SlowOperationView> recent) {
    }

    /** One slow operation: which, how long, how it ended. */
    @RegisterForReflection
    public record SlowOperationView(String operation, double millis, String outcome, Instant at) {

        static SlowOperationView from(SlowOperation o) {
            return new SlowOperationView(o.operation(), o.took().toNanos() / 1e6, o.outcome(), o.at());
        }
    }

    @GET
    @Operation(summary = "Health report",
            description = "The store (reachability, PING latency, memory used and limit, eviction policy, its slow log), "
                    + "every circuit breaker, the service's recent slow operations, and warnings: an eviction policy that "
                    + "could evict sessions or keys, memory nearly full, a breaker not closed. Always 200; status is "
                    + "UP, DEGRADED or DOWN (store unreachable).")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = HealthView.class), examples = {
                    @ExampleObject(name = "up", value = HealthView.UP),
                    @ExampleObject(name = "down", value = HealthView.DOWN)}))
    @APIResponse(responseCode = "403", description = "The key lacks the scope admin")
    @Requires(Scope.ADMIN)
    public Uni<HealthView> report() {
        return health.report(caller.principal()).map(HealthView::from);
    }
}
