package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CanonicalJson;
import domain.cache.KeyMaterial;
import domain.cache.KeyNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Java code derives every key of {@code docs/cache-key-vectors.json}, whose expected values were
 * computed apart from it ({@code docs/cache-key-vectors.mjs}, with Node.js's own JSON), reading each
 * material from its text in the file as a request body's is read.
 */
class CacheKeyVectorsTest {

    private static final Path VECTORS = Path.of("docs/cache-key-vectors.json");

    record Vector(String namespace, KeyMaterial material, String canonical, String key) {
    }

    @Test
    void derivesTheCanonicalFormAndTheKeyOfEveryVector() throws IOException {
        List<Vector> vectors = vectors();
        List<String> wrong = new ArrayList<>();
        for (Vector vector : vectors) {
            String canonical = new String(CanonicalJson.bytes(vector.material()), StandardCharsets.UTF_8);
            String key = KeyNamespace.of(vector.namespace()).keyFor(vector.material()).value();
            if (!canonical.equals(vector.canonical())) {
                wrong.add(vector.namespace() + ": canonical " + abbreviated(canonical) + ", expected " + abbreviated(vector.canonical()));
            }
            if (!key.equals(vector.key())) {
                wrong.add(vector.namespace() + ": key " + key + ", expected " + vector.key());
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void theVectorsCoverOrderEscapesUnicodeNumbersEmptyValuesAndLongText() throws IOException {
        String namespaces = vectors().stream().map(Vector::namespace).collect(Collectors.joining(" "));

        assertThat(namespaces).contains("order.utf16-units-not-code-points", "escapes", "unicode.raw-and-escaped", "nested",
                "empty.object", "empty.array", "text.long", "number.min-subnormal", "number.max", "number.2e23", "number.1e21",
                "number.1e-7", "number.1e-6", "number.thirds", "number.beyond-2-pow-53", "number.1e23", "number.4.35",
                "number.sum-of-tenths", "number.negative", "number.negative-zero");
        assertThat(vectors().stream().filter(v -> v.namespace().equals("text.long")).findFirst().orElseThrow().canonical())
                .hasSizeGreaterThan(8192);
    }

    /** The file, with each material read by the reader of request bodies, from its own text. */
    static List<Vector> vectors() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        new JsonRules().customize(mapper);
        List<Vector> vectors = new ArrayList<>();
        try (JsonParser p = mapper.createParser(VECTORS.toFile())) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String namespace = null;
                KeyMaterial material = null;
                String canonical = null;
                String key = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "namespace" -> namespace = p.getText();
                        case "material" -> material = KeyMaterialReader.read(p);
                        case "canonical" -> canonical = p.getText();
                        case "key" -> key = p.getText();
                        default -> throw new IllegalStateException("a vector has no field " + field);
                    }
                }
                vectors.add(new Vector(namespace, material, canonical, key));
            }
        }
        return vectors;
    }

    private static String abbreviated(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
