package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheKey;
import domain.cache.KeyMaterial;
import domain.cache.KeyNamespace;
import domain.project.ProjectId;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Content-addressed cache keys ({@link KeyNamespace#keyFor}), for a caller that may read the
 * project's cache. Touches no store: no guard, nothing to retry, and an answer even while the store
 * is down.
 *
 * <p>The digest is computed on a worker thread, never on the event loop: material of a body at the
 * limit costs tens of milliseconds of SHA-256, and a second or more when it is hundreds of thousands
 * of numbers, each written in its shortest form by a search.
 */
@ApplicationScoped
@Measured
public class CacheKeyService {

    /** The key of {@code material} in {@code namespace}, after the caller's access to the project's cache is checked. */
    @WithSpan("cache.derive-key")
    public Uni<CacheKey> derive(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, KeyNamespace namespace,
            KeyMaterial material) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.CACHE_READ);
            return Uni.createFrom().item(() -> namespace.keyFor(material)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        });
    }
}
