package domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {

    @Test
    void acceptsASingleCharacter() {
        assertThat(UserId.of("7").value()).isEqualTo("7");
    }

    @Test
    void accepts128Characters() {
        String id = "u".repeat(128);

        assertThat(UserId.of(id).value()).hasSize(128).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada@example.com", "user:42", "a.b_c", "x+tag", "~root", "f47ac10b-58cc-4372-a567-0e02b2c3d479",
            "AZaz09._:@+~-"})
    void acceptsNumbersUuidsAndEmailAddresses(String id) {
        assertThat(UserId.of(id).value()).isEqualTo(id);
    }

    @Test
    void rejectsTheEmptyString() {
        assertRejected("");
    }

    @Test
    void rejects129Characters() {
        assertRejected("u".repeat(129));
    }

    @Test
    void rejectsNull() {
        assertRejected(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada lovelace", " ada", "ada ", "ada\t", "ada\n"})
    void rejectsWhitespace(String id) {
        assertRejected(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"josé", "пользователь", "ユーザー", "ａda", "ada\u0000", "\uD83D\uDE00"})
    void rejectsCharactersOutsideAscii(String id) {
        assertRejected(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "/", "a\\b", "a{b}", "a*", "a,b", "a;b", "a#b", "a%20b", "a?b", "\"a\""})
    void rejectsSlashesBracesAndOtherPunctuation(String id) {
        assertRejected(id);
    }

    @Test
    void messageNamesTheRule() {
        assertThatThrownBy(() -> UserId.of("a/b"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 128 characters");
    }

    @Test
    void tagIs16LowercaseHexCharacters() {
        assertThat(UserId.of("ada@example.com").tag()).matches("[0-9a-f]{16}");
        assertThat(UserId.of("u".repeat(128)).tag()).matches("[0-9a-f]{16}");
    }

    @Test
    void tagIsTheSameForTheSameUserEveryTime() {
        assertThat(UserId.of("ada@example.com").tag())
                .isEqualTo(UserId.of("ada@example.com").tag())
                .isEqualTo(new UserId("ada@example.com").tag());
    }

    @Test
    void tagsOfDifferentUsersDiffer() {
        assertThat(UserId.of("ada").tag()).isNotEqualTo(UserId.of("Ada").tag()).isNotEqualTo(UserId.of("ada1").tag());
        Set<String> tags = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> tags.add(UserId.of("user" + i).tag()));
        assertThat(tags).hasSize(10_000);
    }

    @Test
    void printsAsItsValue() {
        assertThat(UserId.of("user:42")).hasToString("user:42");
    }

    @Test
    void equalIdsAreEqualValues() {
        assertThat(UserId.of("ada")).isEqualTo(new UserId("ada")).isNotEqualTo(UserId.of("ADA"));
    }

    private static void assertRejected(String id) {
        assertThatThrownBy(() -> UserId.of(id))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("userId must be");
    }
}
