package domain.cache;

import domain.project.ProjectId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Applies an {@link Invalidation} through the repository: named keys first, then each tag, then the
 * pattern, page by page.
 *
 * <p>Each step only counts entries that were still live when it removed them, so an entry selected
 * by several criteria is counted once.
 */
public final class CacheInvalidator {

    private static final PageSize PATTERN_BATCH = PageSize.of(500);

    private final CacheRepository repository;

    public CacheInvalidator(CacheRepository repository) {
        this.repository = repository;
    }

    /** Removes what the invalidation selects; answers how many live entries were removed. */
    public Uni<Long> invalidate(ProjectId project, Invalidation invalidation) {
        Uni<Long> byKeys = invalidation.keys().isEmpty()
                ? Uni.createFrom().item(0L)
                : repository.remove(project, invalidation.keys());
        Uni<Long> byTags = Multi.createFrom().iterable(invalidation.tags())
                .onItem().transformToUniAndConcatenate(tag -> repository.removeTagged(project, tag))
                .collect().with(Collectors.summingLong(Long::longValue));
        Uni<Long> byPattern = invalidation.pattern()
                .map(pattern -> removeMatching(project, pattern))
                .orElse(Uni.createFrom().item(0L));
        return byKeys.chain(k -> byTags.chain(t -> byPattern.map(p -> k + t + p)));
    }

    /** Walks the matching keys page by page and removes each page; stack-safe for any project size. */
    public Uni<Long> removeMatching(ProjectId project, KeyPattern pattern) {
        if (pattern.isLiteral()) {
            return repository.remove(project, List.of(CacheKey.of(pattern.value())));
        }
        AtomicReference<Optional<CacheKey>> after = new AtomicReference<>(Optional.empty());
        return Multi.createBy().repeating()
                .uni(() -> repository.keys(project, pattern, after.get(), PATTERN_BATCH)
                        .invoke(page -> after.set(page.after())))
                .whilst(page -> !page.isLast())
                .onItem().transformToUniAndConcatenate(page -> page.keys().isEmpty()
                        ? Uni.createFrom().item(0L)
                        : repository.remove(project, page.keys()))
                .collect().with(Collectors.summingLong(Long::longValue));
    }
}
