package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyPatternTest {

    @Test
    void starMatchesAnyRunOfCharactersIncludingNone() {
        KeyPattern users = KeyPattern.of("user:*");

        assertThat(users.matches("user:")).isTrue();
        assertThat(users.matches("user:1")).isTrue();
        assertThat(users.matches("user:1:x")).isTrue();
        assertThat(users.matches("usr:1")).isFalse();
        assertThat(users.matches("user")).isFalse();
        assertThat(users.matches("xuser:1")).isFalse();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        KeyPattern pattern = KeyPattern.of("a?c");

        assertThat(pattern.matches("abc")).isTrue();
        assertThat(pattern.matches("a.c")).isTrue();
        assertThat(pattern.matches("ac")).isFalse();
        assertThat(pattern.matches("abbc")).isFalse();
    }

    @Test
    void leadingStarMatchesAnyPrefix() {
        KeyPattern profiles = KeyPattern.of("*:profile");

        assertThat(profiles.matches("u:1:profile")).isTrue();
        assertThat(profiles.matches(":profile")).isTrue();
        assertThat(profiles.matches("u:1:profile:old")).isFalse();
        assertThat(profiles.matches("u:1:profiles")).isFalse();
    }

    @Test
    void doubleStarMatchesEverything() {
        KeyPattern pattern = KeyPattern.of("**");

        assertThat(pattern.matches("")).isTrue();
        assertThat(pattern.matches("x")).isTrue();
        assertThat(pattern.matches("user:1:anything~else")).isTrue();
    }

    @Test
    void allMatchesEveryKey() {
        assertThat(KeyPattern.ALL.matches("anything")).isTrue();
        assertThat(KeyPattern.ALL.matches(CacheKey.of("u:1"))).isTrue();
    }

    @Test
    void severalStarsMatchTheirLiteralsInOrder() {
        KeyPattern pattern = KeyPattern.of("a*b*c");

        assertThat(pattern.matches("aXbYc")).isTrue();
        assertThat(pattern.matches("abc")).isTrue();
        assertThat(pattern.matches("aXcYb")).isFalse();
        assertThat(pattern.matches("aXbYcZ")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "user:1, user:1, true",
            "user:1, user:10, false",
            "user:1, user:, false",
            "user.1, userX1, false",
            "a*, a, true",
            "*a, ba, true",
            "*a, ab, false",
            "?, x, true",
            "?, xy, false",
            "??*, x, false",
            "??*, xy, true",
            "*?, '', false",
            "a*?b, ab, false",
            "a*?b, axb, true",
            "Key, key, false",
            "*ab, aab, true",
            "*aab, aaab, true",
            "a*a*b, aaab, true",
            "a*a*b, aaaba, false",
            "*~*, a~b, true",
            "*-*, ab, false"
    })
    void matchesLikeAGlob(String pattern, String key, boolean expected) {
        assertThat(KeyPattern.of(pattern).matches(key)).isEqualTo(expected);
    }

    @Test
    void wildcardsInTheKeyAreMatchedOnlyByWildcardsInThePattern() {
        assertThat(KeyPattern.of("a.c").matches("abc")).isFalse();
        assertThat(KeyPattern.of("a:c").matches("a:c")).isTrue();
    }

    @Test
    void manyStarsAgainstALongNearMissAnswerFalseWithoutExponentialBacktracking() {
        KeyPattern pattern = KeyPattern.of("a*a*a*a*a*a*a*b");
        String key = "a".repeat(200);

        // An exponential matcher would not finish this in any reasonable time; a linear one is instant.
        assertThat(pattern.matches(key)).isFalse();
        assertThat(pattern.matches(key + "b")).isTrue();
    }

    @Test
    void longPatternOfStarsAgainstAMaximalKeyAnswersFalse() {
        KeyPattern pattern = KeyPattern.of("*a".repeat(124) + "*b");
        String key = "a".repeat(250);

        assertThat(pattern.matches(key)).isFalse();
    }

    @Test
    void matchesACacheKeyByItsValue() {
        assertThat(KeyPattern.of("order:*").matches(CacheKey.of("order:7"))).isTrue();
        assertThat(KeyPattern.of("order:*").matches(CacheKey.of("user:7"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "'user:*', 'user:'",
            "'*x', ''",
            "'?x', ''",
            "'abc', 'abc'",
            "'ab?d*', 'ab'",
            "'user:1:*:x', 'user:1:'"
    })
    void literalPrefixIsEverythingBeforeTheFirstWildcard(String pattern, String prefix) {
        assertThat(KeyPattern.of(pattern).literalPrefix()).isEqualTo(prefix);
    }

    @Test
    void isLiteralOnlyWithoutWildcards() {
        assertThat(KeyPattern.of("abc").isLiteral()).isTrue();
        assertThat(KeyPattern.of("user:1").isLiteral()).isTrue();
        assertThat(KeyPattern.of("user:*").isLiteral()).isFalse();
        assertThat(KeyPattern.of("a?c").isLiteral()).isFalse();
        assertThat(KeyPattern.of("*").isLiteral()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "]", "user:[0-9]", "\\", "a\\*", " ", "user *", "a/b", "ключ*", "a^b", "{a,b}"})
    void rejectsCharactersOutsideTheKeyAlphabetAndTheTwoWildcards(String pattern) {
        assertThatThrownBy(() -> KeyPattern.of(pattern))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("'*' or '?'");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void rejectsTheTwoDotNamesThatNoKeyCanBe(String pattern) {
        assertThatThrownBy(() -> KeyPattern.of(pattern))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("'.' or '..'");
    }

    @Test
    void rejectsTheEmptyPattern() {
        assertThatThrownBy(() -> KeyPattern.of("")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> KeyPattern.of(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void accepts250CharactersAndRejectsLongerPatterns() {
        assertThat(KeyPattern.of("*".repeat(250)).value()).hasSize(250);
        assertThatThrownBy(() -> KeyPattern.of("a".repeat(250) + "*"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 250 characters");
    }
}
