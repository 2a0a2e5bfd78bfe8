package domain.cache;

import static domain.cache.CanonicalJsonTest.member;
import static domain.cache.CanonicalJsonTest.number;
import static domain.cache.CanonicalJsonTest.object;
import static domain.cache.CanonicalJsonTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyNamespaceTest {

    @Test
    void derivesTheNamespaceAColonAndTheSha256OfTheCanonicalForm() {
        // printf '%s' '{"a":1,"b":[true,"x"]}' | sha256sum
        KeyMaterial value = object(member("b", new KeyMaterial.Elements(List.of(KeyMaterial.Literal.TRUE, text("x")))),
                member("a", number(1)));

        assertThat(KeyNamespace.of("prices").keyFor(value).value())
                .isEqualTo("prices:" + "63e8063d9dc6f0fd5a24b4706818a165fd57c3531b74466cf5dea62bff09b0b6");
    }

    @Test
    void givesTheSameKeyWhateverTheOrderOfTheMembers() {
        KeyMaterial one = object(member("a", number(1)), member("b", object(member("x", text("1")), member("y", text("2")))));
        KeyMaterial other = object(member("b", object(member("y", text("2")), member("x", text("1")))), member("a", number(1)));

        assertThat(KeyNamespace.of("n").keyFor(one)).isEqualTo(KeyNamespace.of("n").keyFor(other));
    }

    @Test
    void givesDifferentKeysToDifferentValuesAndNamespaces() {
        KeyMaterial one = object(member("a", number(1)));
        KeyMaterial two = object(member("a", number(2)));

        assertThat(KeyNamespace.of("n").keyFor(one)).isNotEqualTo(KeyNamespace.of("n").keyFor(two));
        assertThat(KeyNamespace.of("n").keyFor(one)).isNotEqualTo(KeyNamespace.of("m").keyFor(one));
    }

    @Test
    void accepts185CharactersOfTheKeyAlphabetColonIncludedAndTheKeyIsThen250() {
        String namespace = "app:v2.quotes_~-".repeat(11) + "x".repeat(185 - 16 * 11);

        CacheKey key = KeyNamespace.of(namespace).keyFor(KeyMaterial.Literal.NULL);

        assertThat(key.value()).hasSize(CacheKey.MAX_LENGTH).startsWith(namespace + ":");
    }

    @Test
    void rejectsNamespacesLongerThan185Characters() {
        assertThatThrownBy(() -> KeyNamespace.of("n".repeat(186))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 to 185 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "ключ", "a*", "a?", "a\nb", "a%20"})
    void rejectsNamespacesOutsideTheKeyAlphabet(String namespace) {
        assertThatThrownBy(() -> KeyNamespace.of(namespace)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejectsAMissingNamespace() {
        assertThatThrownBy(() -> KeyNamespace.of(null)).isInstanceOf(InvalidValueException.class);
    }
}
