package infrastructure.rest;

import application.ExportService;
import domain.access.Scope;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The projects that hold data (cache entries or progress operations), for an operator: {@code GET /v1/admin/projects} (scope {@code admin}). */
@Path("/v1/admin/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class ProjectResource {

    private final ExportService exports;
    private final Caller caller;

    public ProjectResource(ExportService exports, Caller caller) {
        this.exports = exports;
        this.caller = caller;
    }

    /** One page of project ids; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record ProjectList(List<String> items, String nextCursor) {

        static final String EXAMPLE = "{\"items\": [\"blog\", \"shop\"], \"nextCursor\": null}";
    }

    @GET
    @Operation(summary = "List the projects holding data",
            description = "The projects with at least one live cache entry or progress operation that the caller administers, by id, a page at a "
                    + "time (pass nextCursor as cursor until it is null). It reads the whole store (on Redis a SCAN of the key "
                    + "space), so it is meant for operators, not request paths.")
    @APIResponse(responseCode = "200", description = "A page of project ids", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProjectList.class), examples = @ExampleObject(name = "two projects",
            value = ProjectList.EXAMPLE)))
    @Requires(Scope.ADMIN)
    public Uni<ProjectList> list(
            @Parameter(description = "nextCursor of the previous page; absent for the first") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        Optional<String> after = Paging.position(Paging.Listing.PROJECTS, cursor, raw -> ProjectId.of(raw).value(), violations);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return exports.projects(caller.principal()).map(all -> {
            Paging.Slice<String> page = Paging.byName(Paging.Listing.PROJECTS, all.stream().map(ProjectId::value).toList(),
                    id -> id, after, size);
            return new ProjectList(page.items(), page.next().orElse(null));
        });
    }
}
