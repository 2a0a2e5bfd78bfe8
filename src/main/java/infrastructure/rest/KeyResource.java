package infrastructure.rest;

import application.EncryptionService;
import domain.access.Scope;
import domain.encryption.KeyRotation;
import domain.encryption.KeysetInfo;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A project's encryption keys over HTTP: {@code /v1/admin/projects/{projectId}/keys} (scope {@code admin} on the project). */
@Path("/v1/admin/projects/{projectId}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class KeyResource {

    private final EncryptionService encryption;
    private final Caller caller;

    public KeyResource(EncryptionService encryption, Caller caller) {
        this.encryption = encryption;
        this.caller = caller;
    }

    /** One key: its id (unsigned, as in a stored value's header) and whether it still decrypts. */
    @RegisterForReflection
    public record KeyView(String id, String status) {
    }

    /** A rotation: the key it made primary, when it began, when it disabled the older keys (null: not yet). */
    @RegisterForReflection
    public record RotationView(String primaryKey, Instant startedAt, @Schema(nullable = true) Instant finishedAt) {

        static RotationView from(KeyRotation rotation) {
            return new RotationView(Integer.toUnsignedString(rotation.primaryKeyId()), rotation.startedAt(),
                    rotation.finishedAt().orElse(null));
        }
    }

    /** A project's keys: none until it first encrypts a value. */
    @RegisterForReflection
    public record KeysView(String project, @Schema(nullable = true) String primaryKey, List<KeyView> keys,
            @Schema(nullable = true) RotationView lastRotation) {

        static final String EXAMPLE = "{\"project\": \"shop\", \"primaryKey\": \"2866157035\", \"keys\": ["
                + "{\"id\": \"1377712095\", \"status\": \"disabled\"}, {\"id\": \"2866157035\", \"status\": \"enabled\"}], "
                + "\"lastRotation\": {\"primaryKey\": \"2866157035\", \"startedAt\": \"2026-12-06T04:10:00.000Z\", "
                + "\"finishedAt\": \"2026-12-06T04:10:14.200Z\"}}";
    }

    /** A rotation begun, and where to follow it. */
    @RegisterForReflection
    public record RotationStartedView(String project, String primaryKey, Instant startedAt, String progressId, String eventsUrl) {

        static final String EXAMPLE = "{\"project\": \"shop\", \"primaryKey\": \"2866157035\", \"startedAt\": "
                + "\"2026-12-06T04:10:00.000Z\", \"progressId\": \"key-rotation-2866157035\", \"eventsUrl\": "
                + "\"/v1/projects/shop/progress/key-rotation-2866157035/events\"}";
    }

    @GET
    @Operation(summary = "A project's encryption keys",
            description = "The ids and states of the project's keys (never their material) and its latest rotation.")
    @APIResponse(responseCode = "200", description = "The keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = KeysView.class), examples = @ExampleObject(name = "rotated", value = KeysView.EXAMPLE)))
    @Requires(Scope.ADMIN)
    public Uni<KeysView> keys(@PathParam("projectId") String projectId) {
        ProjectId project = project(projectId);
        return encryption.describe(caller.principal(), project).map(view -> new KeysView(project.value(),
                view.keyset().map(k -> Integer.toUnsignedString(k.primaryKeyId())).orElse(null),
                view.keyset().map(KeyResource::keys).orElse(List.of()),
                view.lastRotation().map(RotationView::from).orElse(null)));
    }

    @POST
    @Path("rotate")
    @Operation(summary = "Rotate a project's encryption key",
            description = "Makes a new key primary, then re-encrypts the project's stored values under it in the "
                    + "background, in bounded batches, while reads and writes go on, and disables the older keys once "
                    + "nothing uses them. Its progress is the progress operation named in the answer (follow its events "
                    + "over SSE). A rotation the service stopped during is resumed when it starts again.")
    @APIResponse(responseCode = "202", description = "Begun", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RotationStartedView.class),
            examples = @ExampleObject(name = "begun", value = RotationStartedView.EXAMPLE)))
    @APIResponse(responseCode = "409", description = "No key-encryption key is configured (there are no keys to rotate), "
            + "or a rotation of the project is unfinished (it goes on; rotate again once it completed)")
    @Requires(Scope.ADMIN)
    public Uni<Response> rotate(@PathParam("projectId") String projectId) {
        ProjectId project = project(projectId);
        return encryption.rotate(caller.principal(), project).map(started -> Response.accepted(new RotationStartedView(
                project.value(), Integer.toUnsignedString(started.rotation().primaryKeyId()), started.rotation().startedAt(),
                started.progressId().value(),
                "/v1/projects/" + project.value() + "/progress/" + started.progressId().value() + "/events")).build());
    }

    static List<KeyView> keys(KeysetInfo keyset) {
        return keyset.keys().stream()
                .map(k -> new KeyView(Integer.toUnsignedString(k.id()), k.enabled() ? "enabled" : "disabled")).toList();
    }

    private static ProjectId project(String projectId) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        violations.throwIfAny();
        return project;
    }
}
