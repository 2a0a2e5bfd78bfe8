package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheTagTest {

    @Test
    void acceptsEveryCharacterOfTheKeyAlphabet() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:~-";

        assertThat(CacheTag.of(alphabet).value()).isEqualTo(alphabet);
    }

    @Test
    void acceptsASingleCharacter() {
        assertThat(CacheTag.of("t").value()).isEqualTo("t");
    }

    @Test
    void accepts128Characters() {
        assertThat(CacheTag.of("t".repeat(128)).value()).hasSize(128);
    }

    @Test
    void rejectsTagsLongerThan128Characters() {
        assertThatThrownBy(() -> CacheTag.of("t".repeat(129)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 128 characters");
    }

    @Test
    void rejectsTheEmptyTag() {
        assertThatThrownBy(() -> CacheTag.of("")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> CacheTag.of(null)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a*", "a?", "a b", "тег", "é", "😀", "a,b"})
    void rejectsCharactersOutsideTheKeyAlphabet(String tag) {
        assertThatThrownBy(() -> CacheTag.of(tag))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
    }

    @Test
    void ordersTagsLexically() {
        assertThat(CacheTag.of("alpha")).isLessThan(CacheTag.of("beta"));
    }
}
