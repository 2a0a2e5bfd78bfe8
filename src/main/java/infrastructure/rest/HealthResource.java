package infrastructure.rest;

import application.HealthReport;
import application.HealthService;
import application.SlowOperations.SlowOperation;
import domain.access.Scope;
import domain.store.SlowCommand;
import domain.store.StoreStatus;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
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
    public record HealthView(String status, StoreView store, Map<String, String> breakers, SlowOperationsView slowOperations,
            List<String> warnings) {

        static HealthView from(HealthReport report) {
            StoreView store = report.store().map(StoreView::from)
                    .orElseGet(() -> StoreView.unreachable(report.storeError().orElse("the store did not answer")));
            return new HealthView(report.status().name(), store, report.breakers(),
                    new SlowOperationsView(report.slowThreshold().toNanos() / 1e6, report.slowTotal(),
                            report.slowOperations().stream().map(SlowOperationView::from).toList()),
                    report.warnings());
        }
    }

    /** The store: reachability, latency, memory, eviction policy and its own slow log. */
    public record StoreView(String type, boolean reachable, String error, String version, Double latencyMillis,
            MemoryView memory, String evictionPolicy, SlowlogView slowlog) {

        static StoreView from(StoreStatus s) {
            return new StoreView(s.store(), true, null, s.version().orElse(null), s.latency().toNanos() / 1e6,
                    new MemoryView(s.usedBytes(), s.maxBytes(), s.usedPercent().isPresent() ? s.usedPercent().getAsDouble() : null),
                    s.eviction().name(), new SlowlogView(s.slowlogLength(), s.slowCommands().stream().map(SlowCommandView::from).toList()));
        }

        static StoreView unreachable(String error) {
            return new StoreView(null, false, error, null, null, null, null, null);
        }
    }

    /** Memory in use and its limit ({@code maxBytes} 0: no limit, {@code usedPercent} null). */
    public record MemoryView(long usedBytes, long maxBytes, Double usedPercent) {
    }

    /** The store's own slow log: how many it keeps, and the newest, by command name only. */
    public record SlowlogView(long length, List<SlowCommandView> recent) {
    }

    /** One slow command: its name and duration, never its arguments. */
    public record SlowCommandView(String command, long micros, Instant at) {

        static SlowCommandView from(SlowCommand c) {
            return new SlowCommandView(c.command(), c.took().toNanos() / 1_000, c.at());
        }
    }

    /** The service's own slow operations. */
    public record SlowOperationsView(double thresholdMillis, long total, List<SlowOperationView> recent) {
    }

    /** One slow operation: which, how long, how it ended. */
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
    @APIResponse(responseCode = "200", description = "The report", content = @Content(examples = @ExampleObject(name = "up",
            value = "{\"status\": \"UP\", \"store\": {\"type\": \"redis\", \"reachable\": true, \"version\": \"7.2.4\", "
                    + "\"latencyMillis\": 0.21, \"memory\": {\"usedBytes\": 1203456, \"maxBytes\": 4294967296, "
                    + "\"usedPercent\": 0.03}, \"evictionPolicy\": \"noeviction\", \"slowlog\": {\"length\": 0, \"recent\": []}}, "
                    + "\"breakers\": {\"cache\": \"closed\", \"sessions\": \"closed\", \"ratelimit\": \"closed\", "
                    + "\"apikeys\": \"closed\", \"progress\": \"closed\"}, \"slowOperations\": {\"thresholdMillis\": 100.0, "
                    + "\"total\": 0, \"recent\": []}, \"warnings\": []}")))
    @APIResponse(responseCode = "403", description = "The key lacks the scope admin")
    @Requires(Scope.ADMIN)
    public Uni<HealthView> report() {
        return health.report(caller.principal()).map(HealthView::from);
    }
}
