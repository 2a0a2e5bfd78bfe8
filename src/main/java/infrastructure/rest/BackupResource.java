package infrastructure.rest;

import application.BackupService;
import domain.access.Scope;
import domain.store.Backup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Online backups of the embedded store: {@code POST /v1/admin/backups}, scope {@code admin}. */
@Path("/v1/admin/backups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operating the service")
public class BackupResource {

    private final BackupService backups;
    private final Caller caller;

    public BackupResource(BackupService backups, Caller caller) {
        this.backups = backups;
        this.caller = caller;
    }

    /** A backup taken: the file on the service's machine, its size, and the moment it holds. */
    @RegisterForReflection
    public record BackupView(String file, long bytes, Instant at) {

        static final String EXAMPLE = "{\"file\": \"/var/lib/cache-domain/backups/cache-domain-20261205T041500.123Z.db\", "
                + "\"bytes\": 4882432, \"at\": \"2026-12-05T04:15:00.123Z\"}";

        static BackupView from(Backup backup) {
            return new BackupView(backup.file(), backup.bytes(), backup.at());
        }
    }

    @POST
    @Operation(summary = "Back up the store now",
            description = "The embedded store writes a consistent, compacted copy of its whole database into the "
                    + "backups folder of its data directory, while it keeps serving. The copy holds every write "
                    + "acknowledged before the call. To restore: stop the service, put the copy in place of "
                    + "cache-domain.db and remove cache-domain.db-wal and -shm. The memory store has nothing to copy, "
                    + "and Redis is backed up by its own persistence: both answer 409.")
    @APIResponse(responseCode = "201", description = "The backup, written", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BackupView.class),
            examples = @ExampleObject(name = "taken", value = BackupView.EXAMPLE)))
    @APIResponse(responseCode = "409", description = "The configured store cannot be backed up this way (memory, Redis)")
    @Requires(Scope.ADMIN)
    public Uni<Response> backUp() {
        return backups.backUp(caller.principal())
                .map(backup -> Response.status(Response.Status.CREATED).entity(BackupView.from(backup)).build());
    }
}
