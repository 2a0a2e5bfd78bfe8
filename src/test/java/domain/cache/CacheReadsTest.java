package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.project.ProjectId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheReadsTest {

    private static final Instant AT = Instant.parse("2026-12-05T10:00:00Z");

    private static CacheReads.ProjectReads reads(long misses, int entries, String prefix) {
        Map<CacheKey, CacheReads.EntryReads> hits = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            hits.put(CacheKey.of(prefix + i), new CacheReads.EntryReads(i + 1, AT));
        }
        return new CacheReads.ProjectReads(misses, hits);
    }

    @Test
    void splitsIntoPartsOfAtMostTheGivenEntriesThatAddUpToTheBatch() {
        CacheReads batch = new CacheReads(Map.of(
                ProjectId.of("shop"), reads(3, 7, "s"),
                ProjectId.of("blog"), reads(2, 4, "b"),
                ProjectId.of("wiki"), reads(5, 0, "w")));

        List<CacheReads> parts = batch.inPartsOf(3);

        assertThat(parts).allSatisfy(part -> assertThat(part.projects().values().stream()
                .mapToInt(p -> p.entries().size()).sum()).isLessThanOrEqualTo(3));
        assertThat(parts.stream().mapToLong(CacheReads::reads).sum()).isEqualTo(batch.reads());
        Map<ProjectId, Long> misses = new HashMap<>();
        Map<CacheKey, Long> hits = new HashMap<>();
        parts.forEach(part -> part.projects().forEach((project, reads) -> {
            misses.merge(project, reads.misses(), Long::sum);
            reads.entries().forEach((key, entry) -> hits.merge(CacheKey.of(project.value() + ":" + key.value()), entry.hits(), Long::sum));
        }));
        assertThat(misses).isEqualTo(Map.of(ProjectId.of("shop"), 3L, ProjectId.of("blog"), 2L, ProjectId.of("wiki"), 5L));
        assertThat(hits).hasSize(11).containsEntry(CacheKey.of("shop:s6"), 7L);
    }

    @Test
    void aBatchThatFitsIsOnePart() {
        CacheReads batch = new CacheReads(Map.of(ProjectId.of("shop"), reads(1, 2, "k")));

        assertThat(batch.inPartsOf(500)).containsExactly(batch);
        assertThat(new CacheReads(Map.of()).inPartsOf(500)).isEmpty();
        assertThatThrownBy(() -> batch.inPartsOf(0)).hasMessageContaining("at least one entry");
    }
}
