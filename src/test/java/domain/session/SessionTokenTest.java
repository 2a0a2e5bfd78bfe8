package domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionTokenTest {

    private static final UserId ADA = UserId.of("ada@example.com");
    private static final Base64.Decoder BASE64_URL = Base64.getUrlDecoder();

    private static SessionToken aToken() {
        return SessionToken.issue(SessionId.newFor(ADA));
    }

    /** The part of a token after the '.': the secret. */
    private static String verifierOf(SessionToken token) {
        String revealed = token.reveal();
        return revealed.substring(revealed.indexOf('.') + 1);
    }

    // --- randomness

    @Test
    void issuesAMillionTokensWithoutARepeatedVerifierEachOf256Bits() {
        int count = 1_000_000;
        // Only the verifiers are kept (43 characters each, about 130 MB in all), not the tokens.
        Set<String> verifiers = new HashSet<>(count * 4 / 3 + 1);
        for (int i = 0; i < count; i++) {
            String verifier = verifierOf(SessionToken.issue(SessionId.newFor(ADA)));
            byte[] raw = BASE64_URL.decode(verifier);
            if (raw.length != 32) {
                throw new AssertionError("verifier " + i + " decodes to " + raw.length + " bytes, not 32");
            }
            verifiers.add(verifier);
        }

        assertThat(verifiers).hasSize(count);
        assertThat(SessionToken.VERIFIER_BYTES * 8).isEqualTo(256);
    }

    @Test
    void revealsCdsPrefixThenSessionIdThenDotThen43Base64UrlCharacters() {
        SessionId id = SessionId.newFor(ADA);
        SessionToken token = SessionToken.issue(id);

        assertThat(token.reveal())
                .hasSize(4 + 38 + 1 + 43)
                .startsWith("cds_" + id.value() + ".")
                .matches("cds_[0-9a-f]{16}[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
        assertThat(token.sessionId()).isEqualTo(id);
    }

    @Test
    void twoTokensOfOneSessionHaveDifferentVerifiers() {
        SessionId id = SessionId.newFor(ADA);

        assertThat(verifierOf(SessionToken.issue(id))).isNotEqualTo(verifierOf(SessionToken.issue(id)));
    }

    // --- parsing

    @Test
    void parsesWhatItRevealsBackToTheSameSessionAndDigest() {
        SessionToken issued = aToken();

        SessionToken parsed = SessionToken.parse(issued.reveal()).orElseThrow();

        assertThat(parsed.sessionId()).isEqualTo(issued.sessionId());
        assertThat(parsed.verifierDigest()).isEqualTo(issued.verifierDigest());
        assertThat(parsed.reveal()).isEqualTo(issued.reveal());
    }

    @Test
    void parsesNothingFromNullOrTheEmptyString() {
        assertThat(SessionToken.parse(null)).isEmpty();
        assertThat(SessionToken.parse("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cdk_", "CDS_", "cds-", "xds_", "sdc_"})
    void parsesNothingWithAnotherPrefix(String prefix) {
        String revealed = aToken().reveal();

        assertThat(SessionToken.parse(prefix + revealed.substring(4))).isEmpty();
    }

    @Test
    void parsesNothingOneCharacterShortOrLong() {
        String revealed = aToken().reveal();

        assertThat(SessionToken.parse(revealed.substring(0, revealed.length() - 1))).isEmpty();
        assertThat(SessionToken.parse(revealed + "A")).isEmpty();
        assertThat(SessionToken.parse(revealed.substring(1))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", "=", ".", " ", "é", "\u0000"})
    void parsesNothingWithACharacterOutsideBase64Url(String bad) {
        String revealed = aToken().reveal();
        int inVerifier = revealed.length() - 5;
        int inRandomPartOfId = 4 + 20;

        assertThat(SessionToken.parse(replaceAt(revealed, inVerifier, bad))).isEmpty();
        assertThat(SessionToken.parse(replaceAt(revealed, inRandomPartOfId, bad))).isEmpty();
    }

    @Test
    void parsesNothingWithUppercaseHexInTheUserTag() {
        String revealed = aToken().reveal();
        String upperTag = "cds_" + revealed.substring(4, 20).toUpperCase() + revealed.substring(20);

        assertThat(ADA.tag()).as("the fixture's tag has letters to upper-case").containsPattern("[a-f]");
        assertThat(SessionToken.parse(upperTag)).isEmpty();
        assertThat(SessionToken.parse(replaceAt(revealed, 4, "G"))).isEmpty();
    }

    @Test
    void parsesNothingWithoutTheDot() {
        String revealed = aToken().reveal();
        int dot = revealed.indexOf('.');

        assertThat(SessionToken.parse(revealed.substring(0, dot) + revealed.substring(dot + 1))).isEmpty();
        assertThat(SessionToken.parse(replaceAt(revealed, dot, "_"))).isEmpty();
        assertThat(SessionToken.parse(replaceAt(revealed, dot, "-"))).isEmpty();
    }

    @Test
    void parsesNothingWithExtraCharactersAroundIt() {
        String revealed = aToken().reveal();

        assertThat(SessionToken.parse(revealed + "\n")).isEmpty();
        assertThat(SessionToken.parse(" " + revealed)).isEmpty();
        assertThat(SessionToken.parse(revealed + " ")).isEmpty();
        assertThat(SessionToken.parse("Bearer " + revealed)).isEmpty();
        assertThat(SessionToken.parse(revealed + "." + "A".repeat(43))).isEmpty();
    }

    // --- secrecy

    @Test
    void toStringNamesTheSessionButNeverShowsTheVerifierOrToken() {
        SessionToken token = aToken();

        assertThat(token.toString())
                .contains(token.sessionId().value())
                .doesNotContain(verifierOf(token))
                .doesNotContain(token.reveal());
        assertThat(String.valueOf(Optional.of(token))).doesNotContain(verifierOf(token));
    }

    @Test
    void digestIs64LowercaseHexCharactersOfTheVerifiersSha256() throws Exception {
        SessionToken token = aToken();
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(verifierOf(token).getBytes(StandardCharsets.UTF_8)));

        assertThat(token.verifierDigest()).matches("[0-9a-f]{64}").isEqualTo(expected);
        assertThat(token.verifierDigest()).doesNotContain(verifierOf(token));
    }

    @Test
    void digestIsTheSameEveryTimeForOneToken() {
        SessionToken token = aToken();

        assertThat(token.verifierDigest()).isEqualTo(token.verifierDigest());
    }

    @Test
    void digestsOfTwoTokensOfOneSessionDiffer() {
        SessionId id = SessionId.newFor(ADA);

        assertThat(SessionToken.issue(id).verifierDigest()).isNotEqualTo(SessionToken.issue(id).verifierDigest());
    }

    @Test
    void looksLikeOneWhenItStartsWithTheSessionPrefix() {
        assertThat(SessionToken.looksLikeOne(aToken().reveal())).isTrue();
        assertThat(SessionToken.looksLikeOne("cds_malformed")).isTrue();
    }

    @Test
    void doesNotLookLikeOneForOtherCredentialsOrNothing() {
        assertThat(SessionToken.looksLikeOne(null)).isFalse();
        assertThat(SessionToken.looksLikeOne("")).isFalse();
        assertThat(SessionToken.looksLikeOne("cdk_" + "A".repeat(43))).isFalse();
        assertThat(SessionToken.looksLikeOne("cds")).isFalse();
        assertThat(SessionToken.looksLikeOne(" cds_" + "A".repeat(43))).isFalse();
    }

    private static String replaceAt(String s, int index, String replacement) {
        return s.substring(0, index) + replacement + s.substring(index + 1);
    }
}
