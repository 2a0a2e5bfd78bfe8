package domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierScopeTest {

    @Test
    void parsesTheFourScopes() {
        assertThat(IdentifierScope.parse("user")).isEqualTo(IdentifierScope.USER);
        assertThat(IdentifierScope.parse("project")).isEqualTo(IdentifierScope.PROJECT);
        assertThat(IdentifierScope.parse("ip")).isEqualTo(IdentifierScope.IP);
        assertThat(IdentifierScope.parse("key")).isEqualTo(IdentifierScope.KEY);
    }

    @Test
    void writesTheNameItParses() {
        for (IdentifierScope scope : IdentifierScope.values()) {
            assertThat(IdentifierScope.parse(scope.wireName())).isEqualTo(scope);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "USER", "User", "users", "session", "ip ", "apikey"})
    void rejectsAnythingElse(String value) {
        assertThatThrownBy(() -> IdentifierScope.parse(value))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("user, project, ip, key")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("scope");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> IdentifierScope.parse(null)).isInstanceOf(InvalidValueException.class);
    }
}
