package infrastructure.rest;

import application.TaskService;
import domain.access.Scope;
import domain.task.ClaimRequest;
import domain.task.QueueName;
import infrastructure.rest.TaskResource.ClaimBody;
import infrastructure.rest.TaskResource.Claimed;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Claims from one queue name across every project the worker's key may use with {@code tasks}:
 * {@code /v1/queues/{queue}/claims}, fair between the projects (round-robin over those with work).
 */
@Path("/v1/queues")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
public class TaskClaimResource {

    private final TaskService tasks;
    private final Caller caller;

    public TaskClaimResource(TaskService tasks, Caller caller) {
        this.tasks = tasks;
        this.caller = caller;
    }

    @POST
    @Path("{queue}/claims")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim tasks across the key's projects",
            description = "As a project's claim, from the queue of this name in every project the key may use with tasks, "
                    + "round-robin over the projects with work, so no project's backlog starves another's. Each task names its "
                    + "project, for the heartbeat, complete and fail URLs. A key for every project (\"*\") has no list to claim "
                    + "across: 400.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "worker", value = "{\"max\": 10, \"waitSeconds\": 20}")))
    @APIResponse(responseCode = "200", description = "The claimed tasks, maybe none", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Claimed.class), examples = {
                    @ExampleObject(name = "one of each project with work", value = Claimed.ACROSS),
                    @ExampleObject(name = "none within the wait", value = Claimed.NONE)}))
    @APIResponse(responseCode = "429", description = "Too many waiting claims")
    @Requires(Scope.TASKS)
    public Uni<Claimed> claim(@PathParam("queue") String queue, ClaimBody body) {
        Violations violations = new Violations();
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        ClaimRequest request = TaskResource.claimRequest(violations, body);
        Duration wait = TaskResource.waitOf(violations, body, tasks.maxWait());
        violations.throwIfAny();
        return tasks.claimAcross(caller.principal(), name, request, wait).map(Claimed::from);
    }
}
