package infrastructure.rest;

import application.ApiKeyService;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API key administration: {@code /v1/admin/api-keys}, scope {@code admin}. */
@Path("/v1/admin/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys", description = "API keys of application backends; secrets are shown once and stored as digests")
public class ApiKeyResource {

    private static final int MAX_PROJECTS = 1000;

    private final ApiKeyService keys;
    private final Caller caller;

    public ApiKeyResource(ApiKeyService keys, Caller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    /**
     * A key to create: {@code projects} is {@code ["*"]} or project ids; {@code expiresAt}, optional, an
     * ISO-8601 instant in the future after which the key stops working.
     */
    @RegisterForReflection
    public record CreateApiKeyRequest(String name, List<String> projects, List<String> scopes, String expiresAt) {
    }

    /**
     * A key as listed: never its secret. {@code expiresAt} is null for a key that never expires; {@code lastUsedAt}
     * null for one not used yet, and otherwise at most a minute behind its real last use.
     */
    @RegisterForReflection
    public record ApiKeyView(String name, List<String> projects, List<String> scopes, Instant createdAt,
            @Schema(type = SchemaType.STRING, format = "date-time", nullable = true, description = "null for a key that never expires")
            Instant expiresAt,
            @Schema(type = SchemaType.STRING, format = "date-time", nullable = true, description = "null until the key is first used")
            Instant lastUsedAt) {

        static final String EXAMPLE = "{\"name\": \"shop-backend\", \"projects\": [\"shop\"], \"scopes\": [\"cache:read\", "
                + "\"cache:write\"], \"createdAt\": \"2026-11-22T09:00:00.318Z\", \"expiresAt\": \"2027-11-22T09:00:00.000Z\", "
                + "\"lastUsedAt\": \"2026-11-22T09:41:07.112Z\"}";
        static final String UNUSED = "{\"name\": \"reports-readonly\", \"projects\": [\"*\"], \"scopes\": [\"cache:read\", "
                + "\"progress:read\"], \"createdAt\": \"2026-11-21T16:12:45.901Z\", \"expiresAt\": null, \"lastUsedAt\": null}";

        static ApiKeyView from(ApiKeyService.Listed listed) {
            ApiKey key = listed.key();
            return new ApiKeyView(key.name().value(), projectsOf(key), scopesOf(key), key.createdAt(), key.expiry().orElse(null),
                    listed.lastUsedAt().orElse(null));
        }
    }

    /** A key just created, with its secret: the only time it is shown. */
    @RegisterForReflection
    public record CreatedApiKey(String name, String key, List<String> projects, List<String> scopes, Instant createdAt,
            @Schema(type = SchemaType.STRING, format = "date-time", nullable = true, description = "null for a key that never expires")
            Instant expiresAt) {

        static final String EXAMPLE = "{\"name\": \"shop-backend\", \"key\": \"cdk_mppzigJsoMNZw5YpdUST5Njt_LByrvHVs7MVVHmmHZM\", "
                + "\"projects\": [\"shop\"], \"scopes\": [\"cache:read\", \"cache:write\"], "
                + "\"createdAt\": \"2026-11-22T09:00:00.318Z\", \"expiresAt\": \"2027-11-22T09:00:00.000Z\"}";

        static CreatedApiKey from(ApiKeyService.Created created) {
            ApiKey key = created.key();
            return new CreatedApiKey(key.name().value(), created.secret().reveal(), projectsOf(key), scopesOf(key), key.createdAt(),
                    key.expiry().orElse(null));
        }
    }

    static List<String> projectsOf(ApiKey key) {
        return key.projects() instanceof ProjectAccess.Only only
                ? only.projects().stream().map(ProjectId::value).sorted().toList()
                : List.of("*");
    }

    static List<String> scopesOf(ApiKey key) {
        return key.scopes().stream().map(Scope::wireName).sorted().toList();
    }

    /** One page of the keys the caller administers, by name; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record ApiKeyList(List<ApiKeyView> items, String nextCursor) {

        /** A page of two that is not the last (limit=2): the cursor this service writes after shop-backend. */
        static final String EXAMPLE = "{\"items\": [" + ApiKeyView.UNUSED + ", " + ApiKeyView.EXAMPLE + "], "
                + "\"nextCursor\": \"YXBpLWtleXM6c2hvcC1iYWNrZW5k\"}";
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key",
            description = "Returns the secret once; the service keeps only its SHA-256 digest. An administrator may "
                    + "grant only projects and scopes it holds itself.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "backend of one project",
            value = "{\"name\": \"shop-backend\", \"projects\": [\"shop\"], \"scopes\": [\"cache:read\", \"cache:write\"], "
                    + "\"expiresAt\": \"2027-11-22T09:00:00.000Z\"}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CreatedApiKey.class), examples = @ExampleObject(name = "created",
            value = CreatedApiKey.EXAMPLE)))
    @APIResponse(responseCode = "409", description = "A key of that name exists")
    @Requires(Scope.ADMIN)
    public Uni<Response> create(CreateApiKeyRequest body) {
        Violations violations = new Violations();
        if (body == null) {
            violations.add("", "send {\"name\", \"projects\", \"scopes\"}");
            violations.throwIfAny();
        }
        ApiKeyName name = violations.check("name", () -> ApiKeyName.of(body.name()));
        ProjectAccess projects = projects(body.projects(), violations);
        Set<Scope> scopes = scopes(body.scopes(), violations);
        Optional<Instant> expiresAt = Optional.empty();
        if (body.expiresAt() != null) {
            try {
                expiresAt = Optional.of(Instant.parse(body.expiresAt()));
            } catch (DateTimeParseException e) {
                violations.add("expiresAt", "expiresAt must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
            }
        }
        violations.throwIfAny();
        return keys.create(caller.principal(), name, projects, scopes, expiresAt)
                .map(created -> Response.created(URI.create("/v1/admin/api-keys/" + created.key().name().value()))
                        .entity(CreatedApiKey.from(created))
                        .build());
    }

    @GET
    @Operation(summary = "List API keys", description = "Every key whose projects lie within the caller's, by name, a page "
            + "at a time (pass nextCursor as cursor until it is null); never a secret.")
    @APIResponse(responseCode = "200", description = "A page of keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiKeyList.class),
            examples = @ExampleObject(name = "page", value = ApiKeyList.EXAMPLE)))
    @Requires(Scope.ADMIN)
    public Uni<ApiKeyList> list(
            @Parameter(description = "nextCursor of the previous page; absent for the first") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        Optional<String> after = Paging.position(Paging.Listing.API_KEYS, cursor, raw -> ApiKeyName.of(raw).value(), violations);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return keys.list(caller.principal()).map(all -> {
            Paging.Slice<ApiKeyView> page = Paging.byName(Paging.Listing.API_KEYS, all.stream().map(ApiKeyView::from).toList(), ApiKeyView::name,
                    after, size);
            return new ApiKeyList(page.items(), page.next().orElse(null));
        });
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Read an API key", description = "Never its secret. 404 for a key the caller does not administer "
            + "(none of that name, or one outside the caller's projects). lastUsedAt is noted at most once a minute per key "
            + "and instance, so it trails the key's real last use by less than a minute.")
    @APIResponse(responseCode = "200", description = "The key", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiKeyView.class), examples = {
                    @ExampleObject(name = "used", value = ApiKeyView.EXAMPLE),
                    @ExampleObject(name = "never used, never expires", value = ApiKeyView.UNUSED)}))
    @APIResponse(responseCode = "404", description = "No such key among those the caller administers")
    @Requires(Scope.ADMIN)
    public Uni<ApiKeyView> get(@PathParam("name") String name) {
        Violations violations = new Violations();
        ApiKeyName keyName = violations.check("name", () -> ApiKeyName.of(name));
        violations.throwIfAny();
        return keys.get(caller.principal(), keyName).map(ApiKeyView::from);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Revoke an API key", description = "Takes effect at once, on every instance. Idempotent: 204 "
            + "also when the caller administers no key of that name (none exists, or it lies outside the caller's projects).")
    @APIResponse(responseCode = "204", description = "Revoked, or absent")
    @Requires(Scope.ADMIN)
    public Uni<Response> revoke(@PathParam("name") String name) {
        Violations violations = new Violations();
        ApiKeyName keyName = violations.check("name", () -> ApiKeyName.of(name));
        violations.throwIfAny();
        return keys.revoke(caller.principal(), keyName).map(revoked -> Response.noContent().build());
    }

    /** The scopes named, each a known one; at least one. */
    static Set<Scope> scopes(List<String> raw, Violations violations) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (raw == null || raw.isEmpty()) {
            violations.add("scopes", "scopes must name at least one scope");
            return scopes;
        }
        for (int i = 0; i < raw.size() && i < Scope.values().length * 2; i++) {
            String name = raw.get(i);
            Scope scope = violations.check("scopes[" + i + "]", () -> Scope.parse(name));
            if (scope != null) {
                scopes.add(scope);
            }
        }
        return scopes;
    }

    /** {@code ["*"]} for every project, else the project ids named (at most {@value #MAX_PROJECTS}). */
    static ProjectAccess projects(List<String> raw, Violations violations) {
        if (raw == null || raw.isEmpty()) {
            violations.add("projects", "projects must be [\"*\"] or name at least one project");
            return null;
        }
        if (raw.contains("*")) {
            if (raw.size() > 1) {
                violations.add("projects", "\"*\" stands alone: it already grants every project");
            }
            return ProjectAccess.all();
        }
        if (raw.size() > MAX_PROJECTS) {
            violations.add("projects", "a key may name at most " + MAX_PROJECTS + " projects");
            return null;
        }
        Set<ProjectId> ids = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String value = raw.get(i);
            ProjectId id = violations.check("projects[" + i + "]", () -> ProjectId.of(value));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids.isEmpty() ? null : ProjectAccess.only(ids);
    }
}
