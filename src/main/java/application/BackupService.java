package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.store.Backup;
import domain.store.StoreBackups;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Backups of the whole store for the operator (scope {@code admin}), each one audited. */
@ApplicationScoped
@Measured
public class BackupService {

    private static final Logger AUDIT = Logger.getLogger("audit");

    private final StoreBackups backups;

    public BackupService(StoreBackups backups) {
        this.backups = backups;
    }

    /** Takes one backup now; it holds every write acknowledged before it began. */
    @WithSpan("admin.backup")
    @Guarded(Guards.BULK)
    public Uni<Backup> backUp(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return backups.backUp().invoke(backup -> AUDIT.infof("backup taken file=%s bytes=%d actor=%s", backup.file(),
                    backup.bytes(), caller.name()));
        });
    }
}
