package infrastructure.rest;

import domain.access.Principal;
import application.ProgressService;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import domain.access.Scope;
import domain.progress.Progress;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressStatus;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Progress of long operations over HTTP: {@code /v1/projects/{projectId}/progress}, with each
 * operation's events as Server-Sent Events. A root of its own, so that the cache's
 * {@code /v1/projects/{projectId}} root does not take its paths.
 */
@Path("/v1/projects/{projectId}/progress")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "progress", description = "Progress of long operations, streamed over Server-Sent Events with resume")
public class ProgressResource {

    /** Event ids are sequences this service wrote: decimal digits, no sign, at most 18 of them. */
    private static final Pattern EVENT_ID = Pattern.compile("[0-9]{1,18}");
    /** The query parameter equivalent to the Last-Event-ID header. */
    static final String LAST_EVENT_ID_PARAMETER = "lastEventId";

    private final ProgressService progress;
    private final Caller caller;
    private final SseFrames frames;
    private final Clock clock;
    private final SseWriter.Lag lag;

    public ProgressResource(ProgressService progress, Caller caller, ObjectMapper json, Clock clock, MeterRegistry meters) {
        this.progress = progress;
        this.caller = caller;
        this.frames = new SseFrames(json);
        this.clock = clock;
        this.lag = new SseWriter.Lag(Timer.builder(SseWriter.DELIVERY)
                .description("progress events: from the event's time to its frame handed to an event stream's connection")
                .register(meters), clock);
    }

    /**
     * Runs tasks on one event loop: the followers on it are handed each event in one task, in the
     * turn that writes their connections. Equal for every request of the loop, so that the
     * followers group by it.
     */
    private record OnLoop(io.vertx.core.Context loop) implements Executor {

        static Executor of(io.vertx.core.Context request) {
            return request == null ? Runnable::run : new OnLoop(VertxContext.getRootContext(request));
        }

        @Override
        public void execute(Runnable task) {
            loop.runOnContext(ignored -> task.run());
        }
    }

    /** The body of a start; {@code correlationId} is generated when absent. */
    @RegisterForReflection
    public record StartRequest(String correlationId, Long totalSteps, String message) {
    }

    /** The body of a step; {@code increment} is 1 when absent. */
    @RegisterForReflection
    public record StepRequest(String message, Long increment) {
    }

    /** The body of a completion; optional. */
    @RegisterForReflection
    public record CompleteRequest(String message) {
    }

    /** The body of a failure. */
    @RegisterForReflection
    public record FailRequest(String error) {
    }

    /** An operation's state. {@code lastEventId} is the id of its latest event on the stream. */
    @RegisterForReflection
    public record ProgressView(String id, String status, long totalSteps, long currentStep, double percentage, String message,
            Instant startedAt, Instant updatedAt, long lastEventId) {

        static final String STARTED = "{\"id\": \"import-2026-11-22\", \"status\": \"RUNNING\", \"totalSteps\": 120, "
                + "\"currentStep\": 0, \"percentage\": 0.0, \"message\": \"reading the file\", "
                + "\"startedAt\": \"2026-11-22T10:00:00.127Z\", \"updatedAt\": \"2026-11-22T10:00:00.127Z\", \"lastEventId\": 1}";
        /** Four steps in: the percentage is truncated to a tenth. */
        static final String RUNNING = "{\"id\": \"import-2026-11-22\", \"status\": \"RUNNING\", \"totalSteps\": 120, "
                + "\"currentStep\": 4, \"percentage\": 3.3, \"message\": \"imported rows 3001-4000\", "
                + "\"startedAt\": \"2026-11-22T10:00:00.127Z\", \"updatedAt\": \"2026-11-22T10:00:41.802Z\", \"lastEventId\": 5}";
        static final String COMPLETED = "{\"id\": \"import-2026-11-22\", \"status\": \"COMPLETED\", \"totalSteps\": 120, "
                + "\"currentStep\": 120, \"percentage\": 100.0, \"message\": \"imported 120000 rows\", "
                + "\"startedAt\": \"2026-11-22T10:00:00.127Z\", \"updatedAt\": \"2026-11-22T10:21:07.455Z\", \"lastEventId\": 122}";
        static final String FAILED = "{\"id\": \"import-2026-11-22\", \"status\": \"FAILED\", \"totalSteps\": 120, "
                + "\"currentStep\": 37, \"percentage\": 30.8, \"message\": \"the file is not UTF-8\", "
                + "\"startedAt\": \"2026-11-22T10:00:00.127Z\", \"updatedAt\": \"2026-11-22T10:06:12.930Z\", \"lastEventId\": 39}";
        /** An operation whose id was generated (no correlationId), already completed. */
        static final String GENERATED = "{\"id\": \"op_rA2k7Z91-yesErfIKp7x9w\", \"status\": \"COMPLETED\", \"totalSteps\": 3, "
                + "\"currentStep\": 3, \"percentage\": 100.0, \"message\": \"sent 3 newsletters\", "
                + "\"startedAt\": \"2026-11-22T09:58:10.004Z\", \"updatedAt\": \"2026-11-22T09:58:14.671Z\", \"lastEventId\": 5}";

        static ProgressView from(Progress p) {
            return new ProgressView(p.id().value(), p.status().name(), p.totalSteps(), p.currentStep(), p.percentage(),
                    p.message(), p.startedAt(), p.updatedAt(), p.lastSequence());
        }
    }

    /** One page of operations; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record ProgressListing(List<ProgressView> items, String nextCursor) {

        /** A page of two that is not the last (limit=2): the cursor this service writes after the second operation. */
        static final String EXAMPLE = "{\"items\": [" + ProgressView.RUNNING + ", " + ProgressView.GENERATED + "], "
                + "\"nextCursor\": \"cHJvZ3Jlc3M6b3BfckEyazdaOTEteWVzRXJmSUtwN3g5dw\"}";

        static ProgressListing from(ProgressPage page) {
            return new ProgressListing(page.items().stream().map(ProgressView::from).toList(),
                    page.next().map(id -> Paging.cursor(Paging.Listing.PROGRESS, id.value())).orElse(null));
        }
    }

    /** A stream ticket: pass it as {@code ?ticket=} to the events URL; {@code expiresAt} is the deadline of its first use. */
    @RegisterForReflection
    public record TicketView(String ticket, Instant expiresAt, String eventsUrl) {

        static final String EXAMPLE = "{\"ticket\": \"cdt_5jefrTozNbHgOZn-mtpAKprLaDlkJzO79U73Qk0ff6U\", "
                + "\"expiresAt\": \"2026-11-22T10:00:32.336Z\", "
                + "\"eventsUrl\": \"/v1/projects/shop/progress/import-2026-11-22/events\"}";
    }

    /** A stream as SseFrames writes it: the opening, a snapshot, an event, a heartbeat. */
    static final String STREAM_EXAMPLE = ":open\nretry:3000\n\nid:4\nevent:snapshot\ndata:{\"id\":\"import-2026-11-22\","
            + "\"status\":\"RUNNING\",\"totalSteps\":120,\"currentStep\":3,\"percentage\":2.5,\"message\":\"imported rows 2001-3000\","
            + "\"startedAt\":\"2026-11-22T10:00:00.127Z\",\"updatedAt\":\"2026-11-22T10:00:31.560Z\",\"lastEventId\":4,"
            + "\"gap\":false}\n\n"
            + "id:5\nevent:progress\ndata:{\"sequence\":5,\"type\":\"progress\",\"step\":4,\"totalSteps\":120,\"percentage\":3.3,"
            + "\"message\":\"imported rows 3001-4000\",\"time\":\"2026-11-22T10:00:41.802Z\"}\n\n:heartbeat\n\n";

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an operation",
            description = "Starts tracking an operation at step 0. correlationId (1 to 128 characters of A-Z a-z 0-9 . _ ~ -) "
                    + "is generated when absent; 409 while an operation with that id exists in the project.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "import",
            value = "{\"correlationId\": \"import-2026-11-22\", \"totalSteps\": 120, \"message\": \"reading the file\"}")))
    @APIResponse(responseCode = "201", description = "Started", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProgressView.class),
            examples = @ExampleObject(name = "state", value = ProgressView.STARTED)))
    @APIResponse(responseCode = "409", description = "An operation with this correlationId exists in the project")
    @Requires(Scope.PROGRESS)
    public Uni<Response> start(@PathParam("projectId") String projectId, StartRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        Optional<ProgressId> id = Optional.empty();
        if (body == null || body.totalSteps() == null) {
            violations.add("totalSteps", "totalSteps is required: how many steps the operation has");
        }
        if (body != null && body.correlationId() != null) {
            id = Optional.ofNullable(violations.check("correlationId", () -> ProgressId.of(body.correlationId())));
        }
        violations.throwIfAny();
        return progress.start(caller.principal(), project, id, body.totalSteps(), body.message())
                .map(started -> Response.created(URI.create("/v1/projects/" + project + "/progress/" + started.id()))
                        .entity(ProgressView.from(started)).build());
    }

    @POST
    @Path("{id}/steps")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record steps",
            description = "Records increment (default 1, at most 1000000) more steps done, with a message. Steps beyond "
                    + "totalSteps are recorded as events, but currentStep stays at totalSteps (100 %) until the operation "
                    + "completes. 409 once the operation has ended.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "step",
            value = "{\"message\": \"imported rows 1-1000\", \"increment\": 1}")))
    @APIResponse(responseCode = "200", description = "The new state", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProgressView.class),
            examples = @ExampleObject(name = "state", value = ProgressView.RUNNING)))
    @APIResponse(responseCode = "404", description = "No such operation in the project")
    @APIResponse(responseCode = "409", description = "The operation has ended")
    @Requires(Scope.PROGRESS)
    public Uni<ProgressView> step(@PathParam("projectId") String projectId, @PathParam("id") String id, StepRequest body) {
        return step(caller.principal(), projectId, id, body);
    }

    /** {@link #step(String, String, StepRequest)} for {@code principal}, authenticated and counted against the policy {@code api} by the caller. */
    Uni<ProgressView> step(Principal principal, String projectId, String id, StepRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        if (body == null || body.message() == null) {
            violations.add("message", "message is required: what the step did (it may be empty)");
        }
        violations.throwIfAny();
        long increment = body.increment() == null ? 1 : body.increment();
        return progress.step(principal, project, operation, increment, body.message()).map(ProgressView::from);
    }

    @POST
    @Path("{id}/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Complete an operation", description = "Ends it as COMPLETED at totalSteps. 409 once it has ended.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "done", value = "{\"message\": \"imported 120000 rows\"}")))
    @APIResponse(responseCode = "200", description = "The final state", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProgressView.class),
            examples = @ExampleObject(name = "completed", value = ProgressView.COMPLETED)))
    @APIResponse(responseCode = "409", description = "The operation has ended")
    @Requires(Scope.PROGRESS)
    public Uni<ProgressView> complete(@PathParam("projectId") String projectId, @PathParam("id") String id, CompleteRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        violations.throwIfAny();
        return progress.complete(caller.principal(), project, operation, body == null ? null : body.message())
                .map(ProgressView::from);
    }

    @POST
    @Path("{id}/fail")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fail an operation", description = "Ends it as FAILED with the error as its message. 409 once it has ended.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "failure", value = "{\"error\": \"the file is not UTF-8\"}")))
    @APIResponse(responseCode = "200", description = "The final state", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProgressView.class),
            examples = @ExampleObject(name = "failed", value = ProgressView.FAILED)))
    @APIResponse(responseCode = "409", description = "The operation has ended")
    @Requires(Scope.PROGRESS)
    public Uni<ProgressView> fail(@PathParam("projectId") String projectId, @PathParam("id") String id, FailRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        if (body == null || body.error() == null) {
            violations.add("error", "error is required: what went wrong");
        }
        violations.throwIfAny();
        return progress.fail(caller.principal(), project, operation, body.error()).map(ProgressView::from);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Read an operation",
            description = "Its state. A running operation silent for the stall timeout is reported, and recorded, as STALLED. "
                    + "Takes an API key with progress or progress:read, or a session with access to the project.")
    @APIResponse(responseCode = "200", description = "The state", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProgressView.class),
            examples = @ExampleObject(name = "state", value = ProgressView.RUNNING)))
    @APIResponse(responseCode = "404", description = "No such operation in the project (never started, or expired)")
    @Requires(Scope.PROGRESS_READ)
    public Uni<ProgressView> get(@PathParam("projectId") String projectId, @PathParam("id") String id) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        violations.throwIfAny();
        return progress.find(caller.principal(), project, operation).map(ProgressView::from);
    }

    @GET
    @Operation(summary = "List operations",
            description = "The project's live operations in id order, those with the given status only. A page may hold "
                    + "fewer than limit operations, even none, while nextCursor is set; the walk ends when it is null.")
    @APIResponse(responseCode = "200", description = "A page of operations",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ProgressListing.class),
            examples = @ExampleObject(name = "page", value = ProgressListing.EXAMPLE)))
    @Requires(Scope.PROGRESS_READ)
    public Uni<ProgressListing> list(@PathParam("projectId") String projectId,
            @Parameter(description = "RUNNING, COMPLETED, FAILED or STALLED") @QueryParam("status") String status,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        Optional<ProgressStatus> wanted = status == null ? Optional.empty()
                : Optional.ofNullable(violations.check("status", () -> ProgressStatus.parse(status)));
        Optional<ProgressId> after = Paging.position(Paging.Listing.PROGRESS, cursor, ProgressId::of, violations);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return progress.list(caller.principal(), project, wanted, after, size).map(ProgressListing::from);
    }

    @POST
    @Path("{id}/tickets")
    @Operation(summary = "Issue a stream ticket",
            description = "A ticket for a browser's EventSource, which cannot send headers: open the events URL with "
                    + "?ticket=<ticket>. It opens that operation's stream, and nothing else; it must be first used within 30 s "
                    + "(by default), and then re-opens the stream, as the EventSource reconnects, for the progress time to "
                    + "live after its latest use. One stream per ticket is open at a time: a later opening ends the earlier one.")
    @APIResponse(responseCode = "201", description = "The ticket", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TicketView.class),
            examples = @ExampleObject(name = "ticket", value = TicketView.EXAMPLE)))
    @Requires(Scope.PROGRESS_READ)
    public Uni<Response> ticket(@PathParam("projectId") String projectId, @PathParam("id") String id) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        violations.throwIfAny();
        Instant issuedAt = clock.instant();
        return progress.issueTicket(caller.principal(), project, operation)
                .map(issued -> Response.status(Response.Status.CREATED)
                        .header("Cache-Control", "no-store")
                        .entity(new TicketView(issued.secret(), issuedAt.plus(progress.ticketTtl()),
                                "/v1/projects/" + project + "/progress/" + operation + "/events"))
                        .build());
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follow an operation's events (Server-Sent Events)",
            description = "First a snapshot event with the state, then progress events, then one terminal event (completed, "
                    + "failed or stalled) that ends the stream. Every event has an id; reconnecting with Last-Event-ID "
                    + "resumes right after it. When those events are no longer retained, the stream starts with a snapshot "
                    + "whose gap is true. Heartbeat comments keep quiet streams open. After the terminal event a reconnect "
                    + "gets 204, which stops an EventSource. The query parameter lastEventId does what Last-Event-ID does, for "
                    + "a page that opens a new EventSource; the header wins when both are present. Takes an API key, the "
                    + "cd_session cookie or a ticket (?ticket=), which re-opens this stream, to resume it, for as long as it "
                    + "lives; a ticket holds one open stream at a time, and a later opening ends the earlier one.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
            schema = @Schema(type = SchemaType.STRING), examples = @ExampleObject(name = "stream", value = STREAM_EXAMPLE)))
    @APIResponse(responseCode = "204", description = "The operation ended and the caller saw its last event")
    @APIResponse(responseCode = "400", description = "Last-Event-ID (or lastEventId) is not an event id")
    @APIResponse(responseCode = "404", description = "No such operation in the project")
    @APIResponse(responseCode = "429", description = "The caller holds as many open streams as it may")
    @Requires(Scope.PROGRESS_READ)
    public Uni<Void> events(@PathParam("projectId") String projectId, @PathParam("id") String id,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @Parameter(description = "The same as the Last-Event-ID header, for a new EventSource, which cannot send it "
                    + "(a page that reloads); the header wins when both are present")
            @QueryParam(LAST_EVENT_ID_PARAMETER) String lastEventIdParameter,
            @Context SseEventSink sink, @Context Sse sse,
            @Context HttpServerResponse response) {
        io.vertx.core.Context request = Vertx.currentContext();
        // Events must reach the browser as they happen: no cache may keep them, no proxy buffer them.
        response.putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        ProgressId operation = violations.check("id", () -> ProgressId.of(id));
        // An EventSource sends the header on its own reconnects; its page can only put the id in the URL.
        boolean fromHeader = lastEventIdHeader != null && !lastEventIdHeader.isBlank();
        String lastEventId = fromHeader ? lastEventIdHeader : lastEventIdParameter;
        String named = fromHeader ? "Last-Event-ID" : LAST_EVENT_ID_PARAMETER;
        OptionalLong lastSeen = OptionalLong.empty();
        if (lastEventId != null && !lastEventId.isBlank()) {
            if (EVENT_ID.matcher(lastEventId.trim()).matches()) {
                lastSeen = OptionalLong.of(Long.parseLong(lastEventId.trim()));
            } else {
                violations.add(named, named + " must be the id of an event this stream sent: decimal digits");
            }
        }
        violations.throwIfAny();
        return progress.follow(caller.principal(), project, operation, lastSeen, OnLoop.of(request), caller.ticket())
                .invoke(stream -> SseWriter.write(stream, sink, sse, frames, response, request, lag))
                .replaceWithVoid();
    }
}
