package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "login", "search.v2", "per_user-minute", "9lives"})
    void acceptsLowercaseLettersDigitsUnderscoresDotsAndDashes(String name) {
        assertThat(PolicyName.of(name).value()).isEqualTo(name);
        assertThat(PolicyName.of(name)).hasToString(name);
    }

    @Test
    void acceptsSixtyFourCharacters() {
        assertThat(PolicyName.of("p".repeat(64)).value()).hasSize(64);
    }

    @Test
    void rejectsSixtyFiveCharacters() {
        assertThatThrownBy(() -> PolicyName.of("p".repeat(65)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 64 characters")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("policy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Login", "-dash", "_under", ".dot", "with space", "a:b", "a/b", "é"})
    void rejectsOtherCharactersAndAPunctuationStart(String name) {
        assertThatThrownBy(() -> PolicyName.of(name)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> PolicyName.of(null)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void namesTheApiAndDefaultPolicies() {
        assertThat(PolicyName.API.value()).isEqualTo("api");
        assertThat(PolicyName.DEFAULT.value()).isEqualTo("default");
    }
}
