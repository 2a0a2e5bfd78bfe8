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

class SessionIdTest {

    private static final UserId ADA = UserId.of("ada@example.com");
    private static final String RULE = "[0-9a-f]{16}[A-Za-z0-9_-]{22}";
    /** A well-formed id: 16 hex characters of tag, 22 URL-safe characters of randomness. */
    private static final String VALID = "0123456789abcdef" + "AbCdEfGhIjKlMnOp_-0123";

    @Test
    void aNewIdStartsWithItsUsersTag() {
        SessionId id = SessionId.newFor(ADA);

        assertThat(id.value()).startsWith(ADA.tag());
        assertThat(id.userTag()).isEqualTo(ADA.tag());
    }

    @Test
    void aNewIdHas38CharactersMatchingTheRule() {
        IntStream.range(0, 1_000).forEach(i -> {
            SessionId id = SessionId.newFor(UserId.of("user" + i));
            assertThat(id.value()).hasSize(38).matches(RULE);
        });
    }

    @Test
    void newIdsOfOneUserDiffer() {
        Set<SessionId> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(SessionId.newFor(ADA)));

        assertThat(ids).hasSize(10_000);
    }

    @Test
    void aNewIdReadsBackThroughOf() {
        SessionId id = SessionId.newFor(ADA);

        assertThat(SessionId.of(id.value())).isEqualTo(id);
    }

    @Test
    void acceptsAWellFormedId() {
        assertThat(SessionId.of(VALID).value()).isEqualTo(VALID);
        assertThat(SessionId.of(VALID).userTag()).isEqualTo("0123456789abcdef");
    }

    @Test
    void rejectsNull() {
        assertRejected(null);
    }

    @Test
    void rejectsTheEmptyString() {
        assertRejected("");
    }

    @Test
    void rejectsOneCharacterTooFewOrTooMany() {
        assertRejected(VALID.substring(0, 37));
        assertRejected(VALID + "A");
    }

    @Test
    void rejectsUppercaseHexInTheTag() {
        assertRejected("0123456789ABCDEF" + VALID.substring(16));
        assertRejected("0123456789abcdeF" + VALID.substring(16));
    }

    @Test
    void rejectsATagThatIsNotHex() {
        assertRejected("0123456789abcdeg" + VALID.substring(16));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", "=", ".", " ", ":", "é"})
    void rejectsCharactersOutsideBase64UrlInTheRandomPart(String bad) {
        assertRejected(VALID.substring(0, 37) + bad);
        assertRejected(VALID.substring(0, 20) + bad + VALID.substring(21));
    }

    @Test
    void rejectsATokenInPlaceOfAnId() {
        assertRejected(SessionToken.issue(SessionId.newFor(ADA)).reveal());
    }

    @Test
    void printsAsItsValue() {
        assertThat(SessionId.of(VALID)).hasToString(VALID);
    }

    private static void assertRejected(String value) {
        assertThatThrownBy(() -> SessionId.of(value))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("session id must be");
    }
}
