package infrastructure.rest;

import application.CacheKeyService;
import domain.access.Scope;
import domain.cache.KeyMaterial;
import domain.cache.KeyNamespace;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Content-addressed cache keys over HTTP: {@code /v1/projects/{projectId}/cache-keys}. */
@Path("/v1/projects/{projectId}/cache-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cache")
public class CacheKeyResource {

    private final CacheKeyService keys;
    private final Caller caller;

    public CacheKeyResource(CacheKeyService keys, Caller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    /** What to derive a key from: a namespace, and any JSON value as the material ({@code null} included; required). */
    @RegisterForReflection
    public record KeyRequest(String namespace, @Schema(ref = "JsonValue") KeyMaterial material) {

        static final String EXAMPLE = "{\"namespace\": \"quote\", \"material\": {\"sku\": \"A-1\", \"qty\": 2, "
                + "\"options\": [true, null, 1.50]}}";
    }

    /** A derived key, and the name of the rule that derived it. */
    @RegisterForReflection
    public record DerivedKey(String key, String algorithm) {

        /** The key of {@link KeyRequest#EXAMPLE}: SHA-256 of {"options":[true,null,1.5],"qty":2,"sku":"A-1"}. */
        static final String EXAMPLE = "{\"key\": \"quote:db3a37b3dda30fa8bd04041487fead587d00885ae7f4e6df1651659afd96b8a9\", "
                + "\"algorithm\": \"jcs-sha256\"}";
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Derive a content-addressed cache key",
            description = "Answers <namespace>:<SHA-256 of the material's canonical JSON (RFC 8785) in UTF-8, as 64 "
                    + "lowercase hex digits>: the same key for every JSON text of the same value, whatever its member "
                    + "order, whitespace, escapes or number notation. Numbers must be finite doubles; the namespace is "
                    + "1 to 185 characters of A-Z a-z 0-9 . _ : ~ -. Reads and writes nothing.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "quote", value = KeyRequest.EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The key", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DerivedKey.class), examples = @ExampleObject(name = "quote",
            value = DerivedKey.EXAMPLE)))
    @Requires(Scope.CACHE_READ)
    public Uni<DerivedKey> derive(@PathParam("projectId") String projectId, KeyRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        KeyNamespace namespace = null;
        if (body == null) {
            violations.add("", "send {\"namespace\": \"<namespace>\", \"material\": <any JSON>}");
        } else {
            namespace = violations.check("namespace", () -> KeyNamespace.of(body.namespace()));
            if (body.material() == null) {
                violations.add("material", "material is required; send {\"material\": <any JSON>}, null included");
            }
        }
        violations.throwIfAny();
        return keys.derive(caller.principal(), project, namespace, body.material())
                .map(key -> new DerivedKey(key.value(), KeyNamespace.ALGORITHM));
    }
}
