package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"42", "ada@example.com", "2001:db8::1", "203.0.113.7", "key_live-AB+c~d", "x"})
    void acceptsUserIdsEmailsIpAddressesAndKeys(String value) {
        assertThat(Identifier.of(IdentifierScope.USER, value).value()).isEqualTo(value);
    }

    @Test
    void acceptsEveryAllowedCharacter() {
        String all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@+~-";
        assertThat(Identifier.of(IdentifierScope.KEY, all).value()).isEqualTo(all);
    }

    @Test
    void acceptsOneHundredTwentyEightCharacters() {
        assertThat(Identifier.of(IdentifierScope.IP, "a".repeat(128)).value()).hasSize(128);
    }

    @Test
    void rejectsOneHundredTwentyNineCharacters() {
        assertThatThrownBy(() -> Identifier.of(IdentifierScope.IP, "a".repeat(129)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 128 characters")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("identifier");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "a{b}", "a*", "a?", "a\nb", "a,b", "a#b", "ü", "a=b", "a%20"})
    void rejectsEmptyValuesAndOtherCharacters(String value) {
        assertThatThrownBy(() -> Identifier.of(IdentifierScope.USER, value))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("identifier");
    }

    @Test
    void rejectsANullValue() {
        assertThatThrownBy(() -> Identifier.of(IdentifierScope.USER, null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsAMissingScope() {
        assertThatThrownBy(() -> Identifier.of(null, "42"))
                .isInstanceOf(InvalidValueException.class)
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("scope");
    }

    @Test
    void tellsTheSameValueInTwoScopesApart() {
        assertThat(Identifier.of(IdentifierScope.USER, "42")).isNotEqualTo(Identifier.of(IdentifierScope.PROJECT, "42"));
        assertThat(Identifier.of(IdentifierScope.USER, "42")).isEqualTo(Identifier.of(IdentifierScope.USER, "42"));
    }
}
