package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InvalidationTest {

    @Test
    void needsAtLeastOneCriterion() {
        assertThatThrownBy(() -> new Invalidation(Set.of(), Set.of(), Optional.empty()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at least one of keys, tags or pattern");
    }

    @Test
    void acceptsAnySingleCriterion() {
        assertThat(new Invalidation(Set.of(CacheKey.of("k")), Set.of(), Optional.empty()).keys()).hasSize(1);
        assertThat(new Invalidation(Set.of(), Set.of(CacheTag.of("t")), Optional.empty()).tags()).hasSize(1);
        assertThat(new Invalidation(Set.of(), Set.of(), Optional.of(KeyPattern.of("u:*"))).pattern()).isPresent();
    }

    @Test
    void accepts1000Keys() {
        assertThat(new Invalidation(keys(1000), Set.of(), Optional.empty()).keys()).hasSize(1000);
    }

    @Test
    void rejectsMoreThan1000Keys() {
        assertThatThrownBy(() -> new Invalidation(keys(1001), Set.of(), Optional.empty()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at most 1000 keys");
    }

    @Test
    void accepts100Tags() {
        assertThat(new Invalidation(Set.of(), tags(100), Optional.empty()).tags()).hasSize(100);
    }

    @Test
    void rejectsMoreThan100Tags() {
        assertThatThrownBy(() -> new Invalidation(Set.of(), tags(101), Optional.empty()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at most 100 tags");
    }

    @Test
    void keepsACopySoTheCallerCannotChangeItAfterValidation() {
        Set<CacheKey> keys = new java.util.HashSet<>(keys(3));
        Invalidation invalidation = new Invalidation(keys, Set.of(), Optional.empty());

        keys.clear();

        assertThat(invalidation.keys()).hasSize(3);
    }

    private static Set<CacheKey> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> CacheKey.of("k" + i)).collect(Collectors.toSet());
    }

    private static Set<CacheTag> tags(int n) {
        return IntStream.range(0, n).mapToObj(i -> CacheTag.of("t" + i)).collect(Collectors.toSet());
    }
}
