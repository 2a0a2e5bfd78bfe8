package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.faulttolerance.api.ApplyGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The use cases of the projects' encryption keys. Each needs the scope {@code admin} on the project:
 * they change what can be read of all of its data, not only of its cache.
 */
@ApplicationScoped
public class EncryptionService {

    private static final Logger LOG = Logger.getLogger(EncryptionService.class);

    private final ProjectKeysets keysets;

    public EncryptionService(ProjectKeysets keysets) {
        this.keysets = keysets;
    }

    /**
     * Destroys the project's keyset (crypto-shredding): every value encrypted under it, wherever a
     * copy of it is left (a replica, a backup), can never be read again. A project that has none
     * loses nothing; the next value it encrypts gets a new keyset. Answers whether there was one.
     */
    @Measured
    @WithSpan("admin.shred")
    @ApplyGuard(Guards.BULK)
    public Uni<Boolean> shred(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.ADMIN);
            return keysets.destroy(project).invoke(destroyed -> {
                if (destroyed) {
                    LOG.infof("project %s: keyset destroyed; what it encrypted can no longer be read", project.value());
                }
            });
        });
    }
}
