package domain.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectIdTest {

    @Test
    void acceptsASingleLowercaseLetterOrDigit() {
        assertThat(ProjectId.of("a").value()).isEqualTo("a");
        assertThat(ProjectId.of("7").value()).isEqualTo("7");
    }

    @Test
    void accepts64Characters() {
        String id = "a" + "b".repeat(63);

        assertThat(ProjectId.of(id).value()).hasSize(64).isEqualTo(id);
    }

    @Test
    void acceptsUnderscoresAndHyphensAfterTheFirstCharacter() {
        assertThat(ProjectId.of("shop_eu-1").value()).isEqualTo("shop_eu-1");
    }

    @Test
    void rejectsTheEmptyString() {
        assertRejected("");
    }

    @Test
    void rejects65Characters() {
        assertRejected("a".repeat(65));
    }

    @Test
    void rejectsNull() {
        assertRejected(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shop", "SHOP", "shoP"})
    void rejectsUppercaseLetters(String id) {
        assertRejected(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_shop", "-shop", "_", "-"})
    void rejectsALeadingUnderscoreOrHyphen(String id) {
        assertRejected(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"café", "проект", "shop\u0000", "ｓhop"})
    void rejectsCharactersOutsideAsciiLettersAndDigits(String id) {
        assertRejected(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my shop", " shop", "shop ", "shop\t", "shop.eu", "shop:eu", "shop/eu", "shop*"})
    void rejectsSpacesAndPunctuation(String id) {
        assertRejected(id);
    }

    @Test
    void messageNamesTheRule() {
        assertThatThrownBy(() -> ProjectId.of("Bad Id"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 64 characters")
                .hasMessageContaining("a-z, 0-9, '_' or '-'")
                .hasMessageContaining("starting with a letter or digit");
    }

    @Test
    void printsAsItsValueSoItCanBeUsedInKeysAndLogs() {
        assertThat(ProjectId.of("shop-1")).hasToString("shop-1");
    }

    @Test
    void equalIdsAreEqualValues() {
        assertThat(ProjectId.of("shop")).isEqualTo(new ProjectId("shop")).isNotEqualTo(ProjectId.of("shop2"));
    }

    private static void assertRejected(String id) {
        assertThatThrownBy(() -> ProjectId.of(id))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("project id must be");
    }
}
