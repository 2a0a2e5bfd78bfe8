package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CacheKey;
import domain.cache.KeyMaterial;
import domain.cache.KeyNamespace;
import org.junit.jupiter.api.Test;

/** Request bodies' material, read by the application's rules for JSON (no Quarkus). */
class KeyMaterialReaderTest {

    private static final ObjectMapper JSON = rules();

    private static ObjectMapper rules() {
        ObjectMapper mapper = new ObjectMapper();
        new JsonRules().customize(mapper);
        return mapper;
    }

    record Body(KeyMaterial material) {
    }

    @Test
    void givesTheSameKeyWhateverTheMemberOrderWhitespaceEscapesOrNumberNotation() throws Exception {
        CacheKey one = key("{\"material\": {\"sku\": \"A-1\", \"qty\": 2, \"tags\": [\"é\", 1.50], \"dims\": {\"w\": 10, \"h\": 0.5}}}");
        CacheKey reordered = key("{\"material\": {\"dims\": {\"h\": 0.5, \"w\": 10}, \"tags\": [\"é\", 1.50], \"qty\": 2, \"sku\": \"A-1\"}}");
        CacheKey rewritten = key("{\"material\":\n  {\"tags\":[\"\\u00e9\",15e-1],\"sku\":\"\\u0041-1\",\"dims\":{\"w\":1E1,\"h\":5e-1},\"qty\":2.0}}");

        assertThat(reordered).isEqualTo(one);
        assertThat(rewritten).isEqualTo(one);
    }

    @Test
    void keepsTheOrderOfArrayElements() throws Exception {
        assertThat(key("{\"material\": [1, 2]}")).isNotEqualTo(key("{\"material\": [2, 1]}"));
    }

    @Test
    void readsAnExplicitNullAsMaterialAndAnAbsentFieldAsNothing() throws Exception {
        assertThat(JSON.readValue("{\"material\": null}", Body.class).material()).isEqualTo(KeyMaterial.Literal.NULL);
        assertThat(JSON.readValue("{}", Body.class).material()).isNull();
    }

    @Test
    void namesThePathOfANumberOutsideTheRangeOfADouble() {
        assertThatThrownBy(() -> JSON.readValue("{\"material\": {\"a\": [0, 1e400]}}", Body.class))
                .isInstanceOfSatisfying(RefusedJsonException.class, e -> {
                    assertThat(JsonFailures.field(e.getPath())).isEqualTo("material.a[1]");
                    assertThat(e.rule()).contains("beyond the range of a double");
                });
    }

    @Test
    void namesTheObjectThatHoldsANameWithAnUnpairedSurrogate() {
        assertThatThrownBy(() -> JSON.readValue("{\"material\": {\"a\": {\"\\ud800\": 1}}}", Body.class))
                .isInstanceOfSatisfying(JsonProcessingException.class,
                        e -> assertThat(JsonFailures.problemOf(e).violations()).singleElement()
                                .satisfies(v -> assertThat(v.field()).isEqualTo("material.a")));
    }

    @Test
    void refusesAMemberNameTwiceInOneObject() {
        assertThatThrownBy(() -> JSON.readValue("{\"material\": {\"a\": 1, \"b\": 2, \"a\": 3}}", Body.class))
                .isInstanceOfSatisfying(JsonProcessingException.class,
                        e -> assertThat(JsonFailures.problemOf(e).detail()).contains("appears twice"));
    }

    @Test
    void readsSixtyFourLevelsAndRefusesSixtyFive() throws Exception {
        assertThat(JSON.readValue("{\"material\": " + "[".repeat(64) + "]".repeat(64) + "}", Body.class).material())
                .isInstanceOf(KeyMaterial.Elements.class);
        assertThatThrownBy(() -> JSON.readValue("{\"material\": " + "[".repeat(65) + "]".repeat(65) + "}", Body.class))
                .isInstanceOfSatisfying(RefusedJsonException.class, e -> assertThat(e.rule()).contains("nests deeper than 64"));
    }

    private static CacheKey key(String body) throws Exception {
        return KeyNamespace.of("n").keyFor(JSON.readValue(body, Body.class).material());
    }
}
