package infrastructure.rest;

import application.RateLimitService;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.ratelimit.ApiPolicy;
import domain.ratelimit.FailMode;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.Window;
import domain.ratelimit.WindowStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
 * Rate limiting over HTTP: policies ({@code /v1/rate-limit-policies}), checks and an identifier's
 * state ({@code /v1/projects/{projectId}/rate-limits}). Two root paths: a root path of
 * {@code /v1} alone would lose every project path to the cache resource's more specific root.
 */
@Path("/v1/rate-limit-policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "rate-limits", description = "Sliding-window rate limits checked together in one round trip")
public class RateLimitResource {

    private final RateLimitService rateLimits;
    private final Caller caller;

    public RateLimitResource(RateLimitService rateLimits, Caller caller) {
        this.rateLimits = rateLimits;
        this.caller = caller;
    }

    /** One limit of a policy. */
    @RegisterForReflection
    public record LimitBody(Long requests, Long windowSeconds) {
    }

    /** A policy to store. {@code burst} defaults to 0, {@code failMode} to open. */
    @RegisterForReflection
    public record PolicyBody(List<LimitBody> limits, Long burst, String failMode) {
    }

    /** A policy as shown; {@code source} is {@code stored} or {@code configuration}. */
    @RegisterForReflection
    public record PolicyView(String name, List<LimitBody> limits, long burst, String failMode, String source) {

        /** As the request example stores it, under the name search. */
        static final String STORED = "{\"name\": \"search\", \"limits\": [{\"requests\": 60, \"windowSeconds\": 60}, "
                + "{\"requests\": 1000, \"windowSeconds\": 3600}], \"burst\": 10, \"failMode\": \"open\", \"source\": \"stored\"}";
        /** The policy default as the deployment configures it by default. */
        static final String DEFAULT = "{\"name\": \"default\", \"limits\": [{\"requests\": 100, \"windowSeconds\": 3600}], "
                + "\"burst\": 0, \"failMode\": \"open\", \"source\": \"configuration\"}";
        /** The policy api, which limits this service's own API, as configured by default. */
        static final String API = "{\"name\": \"api\", \"limits\": [{\"requests\": 6000, \"windowSeconds\": 60}, "
                + "{\"requests\": 200000, \"windowSeconds\": 3600}], \"burst\": 0, \"failMode\": \"open\", "
                + "\"source\": \"configuration\"}";

        static PolicyView from(RateLimitService.KnownPolicy known) {
            RateLimitPolicy p = known.policy();
            return new PolicyView(p.name().value(),
                    p.limits().stream().map(l -> new LimitBody(l.requests(), l.window().seconds())).toList(),
                    p.burst(), p.failMode().wireName(), known.fromConfiguration() ? "configuration" : "stored");
        }
    }

    /** Every policy. */
    @RegisterForReflection
    public record PolicyList(List<PolicyView> items, String nextCursor) {

        /** The only page: the configured policies and one stored, by name. */
        static final String EXAMPLE = "{\"items\": [" + PolicyView.API + ", " + PolicyView.DEFAULT + ", " + PolicyView.STORED + "], "
                + "\"nextCursor\": null}";
    }

    /** A check: {@code cost} defaults to 1. */
    @RegisterForReflection
    public record CheckBody(String policy, String scope, String identifier, Long cost) {
    }

    /**
     * One window's standing: {@code requests} as the policy configures it; {@code limit} the units it
     * admits (requests + burst), the ceiling {@code remaining} counts down from and the header's {@code q}.
     */
    @RegisterForReflection
    public record WindowView(long requests, long windowSeconds, long limit, long remaining, long resetSeconds) {

        static WindowView from(WindowStatus w) {
            return new WindowView(w.limit().requests(), w.limit().window().seconds(), w.quota(), w.remaining(),
                    RateLimitHeaders.seconds(w.reset()));
        }
    }

    /**
     * A decision; {@code limit} (requests + burst), {@code remaining} and {@code resetSeconds} are the
     * tightest window's, as in the RateLimit headers.
     */
    @RegisterForReflection
    public record DecisionView(boolean allowed, String policy, long limit, long remaining, long resetSeconds,
            @Schema(type = SchemaType.INTEGER, format = "int64", nullable = true, description = "null when allowed")
            Long retryAfterSeconds, boolean degraded, List<WindowView> windows) {

        /** The first request of user-42 in the hour under the policy default. */
        static final String ALLOWED = "{\"allowed\": true, \"policy\": \"default\", \"limit\": 100, \"remaining\": 99, "
                + "\"resetSeconds\": 3600, \"retryAfterSeconds\": null, \"degraded\": false, \"windows\": [{\"requests\": 100, "
                + "\"windowSeconds\": 3600, \"limit\": 100, \"remaining\": 99, \"resetSeconds\": 3600}]}";
        /** The minute of search is spent (60 requests and a burst of 10), the hour is not: denied, nothing counted. */
        static final String DENIED = "{\"allowed\": false, \"policy\": \"search\", \"limit\": 70, \"remaining\": 0, "
                + "\"resetSeconds\": 23, \"retryAfterSeconds\": 23, \"degraded\": false, \"windows\": [{\"requests\": 60, "
                + "\"windowSeconds\": 60, \"limit\": 70, \"remaining\": 0, \"resetSeconds\": 23}, {\"requests\": 1000, "
                + "\"windowSeconds\": 3600, \"limit\": 1010, \"remaining\": 934, \"resetSeconds\": 2871}]}";

        static DecisionView from(RateLimitDecision d) {
            WindowStatus tightest = d.tightest();
            Long retry = d instanceof RateLimitDecision.Denied denied ? RateLimitHeaders.seconds(denied.retryAfter()) : null;
            return new DecisionView(d instanceof RateLimitDecision.Allowed, d.policy().name().value(),
                    tightest.quota(), tightest.remaining(), RateLimitHeaders.seconds(tightest.reset()), retry,
                    d.degraded(), d.windows().stream().map(WindowView::from).toList());
        }
    }

    /** An identifier's standing under a policy, counting nothing. */
    @RegisterForReflection
    public record StateView(String policy, String scope, String identifier, List<WindowView> windows) {

        static final String EXAMPLE = "{\"policy\": \"search\", \"scope\": \"user\", \"identifier\": \"user-42\", "
                + "\"windows\": [{\"requests\": 60, \"windowSeconds\": 60, \"limit\": 70, \"remaining\": 52, \"resetSeconds\": 41}, "
                + "{\"requests\": 1000, \"windowSeconds\": 3600, \"limit\": 1010, \"remaining\": 962, \"resetSeconds\": 3181}]}";
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a policy", description = "Scope admin. Takes effect on the next check, on every instance.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "minute and hour", value = "{\"limits\": "
            + "[{\"requests\": 60, \"windowSeconds\": 60}, {\"requests\": 1000, \"windowSeconds\": 3600}], \"burst\": 10, "
            + "\"failMode\": \"open\"}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PolicyView.class),
            examples = @ExampleObject(name = "stored", value = PolicyView.STORED)))
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PolicyView.class),
            examples = @ExampleObject(name = "stored", value = PolicyView.STORED)))
    @Requires(Scope.ADMIN)
    @AdministersPolicy
    public Uni<Response> save(@PathParam("name") String name, PolicyBody body) {
        Violations violations = new Violations();
        PolicyName policyName = violations.check("name", () -> PolicyName.of(name));
        List<Limit> limits = new ArrayList<>();
        if (body == null || body.limits() == null || body.limits().isEmpty()) {
            violations.add("limits", "a policy needs 1 to " + RateLimitPolicy.MAX_LIMITS + " limits");
        } else {
            for (int i = 0; i < body.limits().size() && i <= RateLimitPolicy.MAX_LIMITS; i++) {
                LimitBody l = body.limits().get(i);
                String at = "limits[" + i + "]";
                if (l == null || l.requests() == null || l.windowSeconds() == null) {
                    violations.add(at, "each limit needs requests and windowSeconds");
                    continue;
                }
                Window window = violations.check(at + ".windowSeconds", () -> Window.ofSeconds(l.windowSeconds()));
                Limit limit = window == null ? null : violations.check(at + ".requests", () -> Limit.of(l.requests(), window));
                if (limit != null && PolicyName.API.equals(policyName)) {
                    Limit given = limit;
                    limit = violations.check(at + ".requests", () -> ApiPolicy.checkLimit(given));
                }
                if (limit != null) {
                    limits.add(limit);
                }
            }
        }
        FailMode failMode = body == null || body.failMode() == null ? FailMode.OPEN
                : violations.check("failMode", () -> FailMode.parse(body.failMode()));
        violations.throwIfAny();
        long burst = body.burst() == null ? 0 : body.burst();
        RateLimitPolicy policy = violations.check("", () -> new RateLimitPolicy(policyName, limits, burst, failMode));
        violations.throwIfAny();
        return rateLimits.save(caller.principal(), policy).map(created -> Response
                .status(created ? Response.Status.CREATED : Response.Status.OK)
                .entity(PolicyView.from(new RateLimitService.KnownPolicy(policy, false))).build());
    }

    @GET
    @Operation(summary = "List policies", description = "Stored ones, and configured ones (default, api) not overridden, by "
            + "name, a page at a time: pass nextCursor as cursor until it is null.")
    @APIResponse(responseCode = "200", description = "A page of policies",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PolicyList.class),
            examples = @ExampleObject(name = "page", value = PolicyList.EXAMPLE)))
    public Uni<PolicyList> list(
            @Parameter(description = "nextCursor of the previous page; absent for the first") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        Optional<String> after = Paging.position(Paging.Listing.POLICIES, cursor, raw -> PolicyName.of(raw).value(), violations);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return rateLimits.policies(caller.principal()).map(all -> {
            Paging.Slice<PolicyView> page = Paging.byName(Paging.Listing.POLICIES, all.stream().map(PolicyView::from).toList(), PolicyView::name,
                    after, size);
            return new PolicyList(page.items(), page.next().orElse(null));
        });
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Read a policy")
    @APIResponse(responseCode = "200", description = "The policy", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PolicyView.class), examples = {
                    @ExampleObject(name = "stored", value = PolicyView.STORED),
                    @ExampleObject(name = "configured", value = PolicyView.DEFAULT)}))
    @APIResponse(responseCode = "404", description = "No such policy")
    @AdministersPolicy
    public Uni<PolicyView> get(@PathParam("name") String name) {
        PolicyName policyName = parse("name", name);
        return rateLimits.policy(caller.principal(), policyName).map(PolicyView::from);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete a stored policy", description = "Scope admin. A configured policy of that name applies "
            + "again; a policy that only comes from configuration answers 409. Idempotent: 204 also when there was none.")
    @APIResponse(responseCode = "204", description = "Deleted, or absent")
    @APIResponse(responseCode = "409", description = "The policy only comes from configuration")
    @Requires(Scope.ADMIN)
    @AdministersPolicy
    public Uni<Response> delete(@PathParam("name") String name) {
        PolicyName policyName = parse("name", name);
        return rateLimits.delete(caller.principal(), policyName).replaceWith(Response.noContent().build());
    }

    static Identifier identifier(String scope, String value, Violations violations) {
        IdentifierScope parsed = violations.check("scope", () -> IdentifierScope.parse(scope));
        return parsed == null ? null : violations.check("identifier", () -> Identifier.of(parsed, value));
    }

    private static PolicyName parse(String field, String name) {
        Violations violations = new Violations();
        PolicyName parsed = violations.check(field, () -> PolicyName.of(name));
        violations.throwIfAny();
        return parsed;
    }
}
