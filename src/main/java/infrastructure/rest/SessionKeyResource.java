package infrastructure.rest;

import application.EncryptionService;
import domain.access.Scope;
import infrastructure.rest.KeyResource.KeyView;
import infrastructure.rest.KeyResource.RotationView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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

/**
 * The keys of the sessions' user data over HTTP: {@code /v1/admin/sessions/keys} (scope {@code admin}
 * on every project: the sessions belong to the whole service).
 */
@Path("/v1/admin/sessions/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class SessionKeyResource {

    private final EncryptionService encryption;
    private final Caller caller;

    public SessionKeyResource(EncryptionService encryption, Caller caller) {
        this.encryption = encryption;
        this.caller = caller;
    }

    /** The sessions' keys: none until a session's user data is first encrypted. */
    @RegisterForReflection
    public record SessionKeysView(@Schema(nullable = true) String primaryKey, List<KeyView> keys,
            @Schema(nullable = true) RotationView lastRotation) {

        static final String EXAMPLE = "{\"primaryKey\": \"803326475\", \"keys\": [{\"id\": \"2011873540\", \"status\": "
                + "\"enabled\"}, {\"id\": \"803326475\", \"status\": \"enabled\"}], \"lastRotation\": {\"primaryKey\": "
                + "\"803326475\", \"startedAt\": \"2026-12-06T04:10:00.000Z\", \"finishedAt\": null}}";
    }

    /** A rotation begun, and when it disables the older keys: once every session under them has ended. */
    @RegisterForReflection
    public record SessionsRotationView(String primaryKey, Instant startedAt, Instant retiresOlderKeysAt) {

        static final String EXAMPLE = "{\"primaryKey\": \"803326475\", \"startedAt\": \"2026-12-06T04:10:00.000Z\", "
                + "\"retiresOlderKeysAt\": \"2027-01-05T04:10:12.000Z\"}";
    }

    @GET
    @Operation(summary = "The sessions' encryption keys",
            description = "The ids and states of the keys that encrypt sessions' user data (never their material), "
                    + "and their latest rotation.")
    @APIResponse(responseCode = "200", description = "The keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SessionKeysView.class),
            examples = @ExampleObject(name = "rotating", value = SessionKeysView.EXAMPLE)))
    @Requires(Scope.ADMIN)
    public Uni<SessionKeysView> keys() {
        return encryption.describeSessions(caller.principal()).map(view -> new SessionKeysView(
                view.keyset().map(k -> Integer.toUnsignedString(k.primaryKeyId())).orElse(null),
                view.keyset().map(KeyResource::keys).orElse(List.of()),
                view.lastRotation().map(RotationView::from).orElse(null)));
    }

    @POST
    @Path("rotate")
    @Operation(summary = "Rotate the sessions' encryption key",
            description = "Makes a new key primary for sessions' user data. Sessions are not re-encrypted: each lives at "
                    + "most cache-domain.sessions.max-absolute-timeout, so the older keys are disabled once every session "
                    + "under them has ended, at retiresOlderKeysAt. Another rotation may begin at any time.")
    @APIResponse(responseCode = "202", description = "Begun", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SessionsRotationView.class),
            examples = @ExampleObject(name = "begun", value = SessionsRotationView.EXAMPLE)))
    @APIResponse(responseCode = "409", description = "No key-encryption key is configured: there are no keys to rotate")
    @Requires(Scope.ADMIN)
    public Uni<Response> rotate() {
        return encryption.rotateSessions(caller.principal()).map(started -> Response.accepted(new SessionsRotationView(
                Integer.toUnsignedString(started.rotation().primaryKeyId()), started.rotation().startedAt(),
                started.retiresOlderKeysAt())).build());
    }
}
