package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeyTest {

    @Test
    void acceptsEveryCharacterOfTheKeyAlphabet() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:~-";

        assertThat(CacheKey.of(alphabet).value()).isEqualTo(alphabet);
    }

    @Test
    void acceptsASingleCharacter() {
        assertThat(CacheKey.of("x").value()).isEqualTo("x");
    }

    @Test
    void accepts250Characters() {
        assertThat(CacheKey.of("k".repeat(250)).value()).hasSize(250);
    }

    @Test
    void rejectsKeysLongerThan250Characters() {
        assertThatThrownBy(() -> CacheKey.of("k".repeat(251)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 250 characters");
    }

    @Test
    void rejectsTheEmptyKey() {
        assertThatThrownBy(() -> CacheKey.of(""))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 250 characters");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> CacheKey.of(null)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user/1", "user*", "user?", "user 1", " ", "a\tb", "a\nb", "a%20b", "a#b", "a[1]", "a\\b",
            "a{b}", "a+b", "a@b", "a\"b"})
    void rejectsCharactersOutsideTheKeyAlphabet(String key) {
        assertThatThrownBy(() -> CacheKey.of(key))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("A-Z, a-z, 0-9, '.', '_', ':', '~' or '-'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ключ", "café", "😀", "key😀", "ｋｅｙ"})
    void rejectsNonAsciiCharacters(String key) {
        assertThatThrownBy(() -> CacheKey.of(key)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void rejectsTheDotPathSegments(String key) {
        assertThatThrownBy(() -> CacheKey.of(key))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("'.' or '..'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..a", "a.b", "...", ".a", "a..", ".~"})
    void acceptsDotsInAnyOtherKey(String key) {
        assertThat(CacheKey.of(key).value()).isEqualTo(key);
    }

    @Test
    void ordersKeysLexically() {
        assertThat(CacheKey.of("a:10")).isLessThan(CacheKey.of("a:2"));
        assertThat(CacheKey.of("B")).isLessThan(CacheKey.of("a"));
        assertThat(CacheKey.of("same")).isEqualByComparingTo(CacheKey.of("same"));
    }

    @Test
    void printsAsItsValue() {
        assertThat(CacheKey.of("user:1")).hasToString("user:1");
    }
}
