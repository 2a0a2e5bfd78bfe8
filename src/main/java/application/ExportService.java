package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.project.ProjectId;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.faulttolerance.api.ApplyGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * The use cases of taking a project's data out of the service: its export, read page by page so
 * that neither the service's memory nor any writer waits on the project's size. Each needs the scope
 * {@code admin} on the project: an export holds every value in clear.
 *
 * <p>Each record is read as it stood at one moment (an entry is read whole), the export as a whole
 * at none: an entry written during the export may or may not be in it, one live throughout is in it
 * exactly once. Every page is one guarded store call ({@value Guards#BULK}); an export the store
 * stops answering ends with a failure, which the web edge turns into a cut stream.
 */
@ApplicationScoped
public class ExportService {

    /** Entries read per store call. */
    static final int PAGE = 200;

    private final CacheRepository cache;

    @Inject
    public ExportService(CacheRepository cache) {
        this.cache = cache;
    }

    /** One page of a project's entries, and where the next one starts (empty after the last). */
    public record EntryPage(List<CacheEntry> entries, Optional<CacheKey> next) {
    }

    /**
     * The project's live cache entries in key order, a page of at most {@value #PAGE} at a time (none
     * empty), values as stored (verbatim JSON), with their versions, tags and expiries. Checks the
     * caller's access at once, before anything is read, so that a refusal is an answer and not a cut
     * stream.
     *
     * @throws AccessDeniedException when the caller lacks {@code admin} on the project
     */
    public Multi<List<CacheEntry>> cacheEntries(Principal caller, ProjectId project) {
        Access.require(caller, project, Scope.ADMIN);
        return Multi.createBy().repeating()
                .uni(Walk::new, walk -> cachePage(project, walk.after).invoke(page -> walk.after = page.next()))
                .whilst(page -> page.next().isPresent())
                .map(EntryPage::entries)
                .filter(entries -> !entries.isEmpty());
    }

    /**
     * Up to {@value #PAGE} live entries after {@code after}: a page of keys, then each entry read
     * whole (an entry removed in between is left out).
     */
    @Measured
    @WithSpan("admin.export-page")
    @ApplyGuard(Guards.BULK)
    Uni<EntryPage> cachePage(@SpanAttribute(Outcomes.PROJECT) ProjectId project, Optional<CacheKey> after) {
        return cache.keys(project, KeyPattern.ALL, after, PageSize.of(PAGE)).chain(keys -> {
            Optional<CacheKey> next = keys.after();
            if (keys.keys().isEmpty()) {
                return Uni.createFrom().item(new EntryPage(List.of(), next));
            }
            return Uni.join().all(keys.keys().stream().map(key -> cache.find(project, key)).toList()).andFailFast()
                    .map(found -> new EntryPage(found.stream().flatMap(Optional::stream).toList(), next));
        });
    }

    /** Where a walk is. */
    private static final class Walk {
        Optional<CacheKey> after = Optional.empty();
    }
}
