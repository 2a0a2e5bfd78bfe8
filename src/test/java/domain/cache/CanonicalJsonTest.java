package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void writesNoWhitespaceAndMembersInOrder() {
        KeyMaterial value = object(
                member("b", new KeyMaterial.Elements(List.of(number(1), KeyMaterial.Literal.TRUE, KeyMaterial.Literal.NULL))),
                member("a", object(member("y", KeyMaterial.Literal.FALSE), member("x", text("1")))));

        assertThat(canonical(value)).isEqualTo("{\"a\":{\"x\":\"1\",\"y\":false},\"b\":[1,true,null]}");
    }

    @Test
    void escapesOnlyQuotesBackslashesAndControlCharacters() {
        String all = "\" \\ / \b \f \n \r \t \u0000 \u0001 \u001f \u007f \u0080 é € \u2028 \ud83d\ude00";

        assertThat(canonical(text(all))).isEqualTo(
                "\"\\\" \\\\ / \\b \\f \\n \\r \\t \\u0000 \\u0001 \\u001f \u007f \u0080 é € \u2028 \ud83d\ude00\"");
    }

    @Test
    void encodesEveryCharacterInUtf8() {
        byte[] bytes = CanonicalJson.bytes(text("é€\ud83d\ude00"));

        assertThat(bytes).containsExactly('"', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, '"');
    }

    @Test
    void writesEmptyObjectsArraysAndStrings() {
        assertThat(canonical(object())).isEqualTo("{}");
        assertThat(canonical(new KeyMaterial.Elements(List.of()))).isEqualTo("[]");
        assertThat(canonical(text(""))).isEqualTo("\"\"");
    }

    @Test
    void writesNumbersAsEcmaScriptDoes() {
        KeyMaterial numbers = new KeyMaterial.Elements(List.of(number(-0.0), number(2e23), number(1e-7), number(100),
                number(0.1 + 0.2)));

        assertThat(canonical(numbers)).isEqualTo("[0,2e+23,1e-7,100,0.30000000000000004]");
    }

    @Test
    void hashesTheSameBytesItWritesAlsoAcrossItsBufferForLongText() throws Exception {
        // Multi-byte characters at every offset, so that some straddle the writer's 8 KiB chunks.
        StringBuilder long_ = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            long_.append("a\"é€\ud83d\ude00\n");
        }
        KeyMaterial value = new KeyMaterial.Elements(List.of(text(long_.toString()), object(member("k", text(long_.toString())))));

        byte[] expected = MessageDigest.getInstance("SHA-256").digest(CanonicalJson.bytes(value));

        assertThat(CanonicalJson.sha256(value)).isEqualTo(expected);
        assertThat(CanonicalJson.bytes(value).length).isGreaterThan(100_000);
    }

    @Test
    void hashesNestedValuesDeeperThanTheBufferHolds() {
        KeyMaterial deep = KeyMaterial.Literal.NULL;
        for (int i = 0; i < 64; i++) {
            deep = new KeyMaterial.Elements(List.of(deep));
        }

        assertThat(canonical(deep)).isEqualTo("[".repeat(64) + "null" + "]".repeat(64));
    }

    private static String canonical(KeyMaterial value) {
        return new String(CanonicalJson.bytes(value), StandardCharsets.UTF_8);
    }

    static KeyMaterial.Members object(KeyMaterial.Member... members) {
        return new KeyMaterial.Members(new ArrayList<>(List.of(members)));
    }

    static KeyMaterial.Member member(String name, KeyMaterial value) {
        return new KeyMaterial.Member(name, value);
    }

    static KeyMaterial.Text text(String s) {
        return new KeyMaterial.Text(s);
    }

    static KeyMaterial.Numeric number(double x) {
        return new KeyMaterial.Numeric(x);
    }
}
