package infrastructure.rest;

import domain.access.Principal;
import application.RateLimitService;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.ratelimit.Identifier;
import domain.ratelimit.PolicyName;
import infrastructure.rest.RateLimitResource.CheckBody;
import infrastructure.rest.RateLimitResource.DecisionView;
import infrastructure.rest.RateLimitResource.StateView;
import infrastructure.rest.RateLimitResource.WindowView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Rate limit checks and an identifier's state within a project: {@code /v1/projects/{projectId}/rate-limits}. */
@Path("/v1/projects/{projectId}/rate-limits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "rate-limits")
public class ProjectRateLimitResource {

    private final RateLimitService rateLimits;
    private final Caller caller;

    public ProjectRateLimitResource(RateLimitService rateLimits, Caller caller) {
        this.rateLimits = rateLimits;
        this.caller = caller;
    }

    @POST
    @Path("check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check and count", description = "Counts cost units (default 1) in every window of the policy if "
            + "all admit them, else in none. 200 either way, with RateLimit-Policy and RateLimit headers (IETF httpapi "
            + "draft) and Retry-After when denied. limit is requests + burst, the RateLimit-Policy quota q; remaining never "
            + "exceeds it. degraded: true when the store could not answer and the policy's fail mode decided.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "per user", value =
            "{\"policy\": \"default\", \"scope\": \"user\", \"identifier\": \"user-42\", \"cost\": 1}")))
    @APIResponse(responseCode = "200", description = "The decision", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DecisionView.class), examples = {
                    @ExampleObject(name = "allowed", value = DecisionView.ALLOWED),
                    @ExampleObject(name = "denied", value = DecisionView.DENIED)}))
    @Requires(Scope.RATE_LIMITS)
    public Uni<Response> check(@PathParam("projectId") String projectId, CheckBody body) {
        return check(caller.principal(), projectId, body);
    }

    /** {@link #check(String, CheckBody)} for {@code principal}, authenticated and counted against the policy {@code api} by the caller. */
    Uni<Response> check(Principal principal, String projectId, CheckBody body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        if (body == null) {
            violations.add("", "send {\"policy\", \"scope\", \"identifier\", \"cost\"?}");
            violations.throwIfAny();
        }
        PolicyName policy = violations.check("policy", () -> PolicyName.of(body.policy()));
        Identifier identifier = RateLimitResource.identifier(body.scope(), body.identifier(), violations);
        violations.throwIfAny();
        OptionalLong cost = body.cost() == null ? OptionalLong.empty() : OptionalLong.of(body.cost());
        return rateLimits.check(principal, project, policy, identifier, cost)
                .map(decision -> RateLimitHeaders.add(Response.ok(DecisionView.from(decision)), decision).build());
    }

    @GET
    @Path("{policy}/{scope}/{identifier}")
    @Operation(summary = "An identifier's state", description = "Every window's remaining units and reset, counting nothing.")
    @APIResponse(responseCode = "200", description = "The state", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = StateView.class),
            examples = @ExampleObject(name = "state", value = StateView.EXAMPLE)))
    @Requires(Scope.RATE_LIMITS)
    public Uni<StateView> state(@PathParam("projectId") String projectId, @PathParam("policy") String policy,
            @PathParam("scope") String scope, @PathParam("identifier") String identifier) {
        Counted counted = Counted.parse(projectId, policy, scope, identifier);
        return rateLimits.state(caller.principal(), counted.project(), counted.policy(), counted.identifier())
                .map(windows -> new StateView(policy, counted.identifier().scope().wireName(), identifier,
                        windows.stream().map(WindowView::from).toList()));
    }

    @DELETE
    @Path("{policy}/{scope}/{identifier}")
    @Operation(summary = "Reset an identifier", description = "Forgets every count of the identifier under the policy.")
    @APIResponse(responseCode = "204", description = "Reset")
    @Requires(Scope.RATE_LIMITS)
    public Uni<Response> reset(@PathParam("projectId") String projectId, @PathParam("policy") String policy,
            @PathParam("scope") String scope, @PathParam("identifier") String identifier) {
        Counted counted = Counted.parse(projectId, policy, scope, identifier);
        return rateLimits.reset(caller.principal(), counted.project(), counted.policy(), counted.identifier())
                .replaceWith(Response.noContent().build());
    }

    /** The counters a state or reset path names: project, policy and identifier, each validated. */
    private record Counted(ProjectId project, PolicyName policy, Identifier identifier) {

        static Counted parse(String projectId, String policy, String scope, String identifier) {
            Violations violations = new Violations();
            ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
            PolicyName name = violations.check("policy", () -> PolicyName.of(policy));
            Identifier id = RateLimitResource.identifier(scope, identifier, violations);
            violations.throwIfAny();
            return new Counted(project, name, id);
        }
    }

}
