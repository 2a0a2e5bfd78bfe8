package infrastructure.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import domain.InvalidValueException;
import domain.cache.KeyMaterial;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads the material of a content-addressed key token by token into {@link KeyMaterial}, under the
 * rules of {@link JsonRules} (one document, no member name twice, well-formed Unicode) and the
 * material's own (numbers that are finite doubles), and at most {@link JsonRules#MAX_VALUE_DEPTH}
 * levels deep, like a stored value. A broken rule is a {@link RefusedJsonException} naming the path
 * below the field ({@code material.items[2].price}).
 *
 * <p>Numbers are read from their text, never through Jackson's own number types, so that
 * {@code 1e400} is refused rather than read as infinity.
 */
final class KeyMaterialReader extends StdDeserializer<KeyMaterial> {

    KeyMaterialReader() {
        super(KeyMaterial.class);
    }

    @Override
    public KeyMaterial deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return read(p);
    }

    /** An explicit {@code null} is material like any other value. */
    @Override
    public KeyMaterial getNullValue(DeserializationContext ctxt) {
        return KeyMaterial.Literal.NULL;
    }

    /** An absent field stays absent, so that the resource can ask for it. */
    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
        return null;
    }

    /**
     * Reads the value at the parser's current token, and leaves the parser on its last token, as
     * Jackson expects of a deserializer.
     */
    static KeyMaterial read(JsonParser p) throws IOException {
        return read(p, new ArrayList<>());
    }

    /** @param path the field names and array indexes from the material down to this value */
    private static KeyMaterial read(JsonParser p, List<Object> path) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw RefusedJsonException.at(p, path, "the body ends inside this value");
        }
        switch (token) {
            case START_OBJECT -> {
                deeper(p, path);
                List<KeyMaterial.Member> members = new ArrayList<>();
                path.add(null);
                int last = path.size() - 1;
                for (token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
                    String name = p.currentName();
                    path.set(last, name);
                    p.nextToken();
                    KeyMaterial value = read(p, path);
                    // A name that breaks a rule is the fault of the object that holds it.
                    members.add(check(p, path.subList(0, last), () -> new KeyMaterial.Member(name, value)));
                }
                path.remove(path.size() - 1);
                ended(p, token, JsonToken.END_OBJECT, path);
                return check(p, path, () -> new KeyMaterial.Members(members));
            }
            case START_ARRAY -> {
                deeper(p, path);
                List<KeyMaterial> elements = new ArrayList<>();
                path.add(0);
                for (token = p.nextToken(); token != null && token != JsonToken.END_ARRAY; token = p.nextToken()) {
                    path.set(path.size() - 1, elements.size());
                    elements.add(read(p, path));
                }
                path.remove(path.size() - 1);
                ended(p, token, JsonToken.END_ARRAY, path);
                return new KeyMaterial.Elements(elements);
            }
            case VALUE_STRING -> {
                String text = p.getText();
                return check(p, path, () -> new KeyMaterial.Text(text));
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                String text = p.getText();
                return check(p, path, () -> KeyMaterial.Numeric.parse(text));
            }
            case VALUE_TRUE -> {
                return KeyMaterial.Literal.TRUE;
            }
            case VALUE_FALSE -> {
                return KeyMaterial.Literal.FALSE;
            }
            case VALUE_NULL -> {
                return KeyMaterial.Literal.NULL;
            }
            default -> throw RefusedJsonException.at(p, path, "is not a JSON value");
        }
    }

    private static void deeper(JsonParser p, List<Object> path) throws RefusedJsonException {
        if (path.size() >= JsonRules.MAX_VALUE_DEPTH) {
            throw RefusedJsonException.at(p, path, "nests deeper than " + JsonRules.MAX_VALUE_DEPTH
                    + " levels of arrays and objects");
        }
    }

    private static void ended(JsonParser p, JsonToken token, JsonToken expected, List<Object> path) throws RefusedJsonException {
        if (token != expected) {
            throw RefusedJsonException.at(p, path, "the body ends inside this value");
        }
    }

    /** The value the domain makes of what was read, or the rule it broke as a refusal at {@code path}. */
    private static <T> T check(JsonParser p, List<Object> path, Supplier<T> make) throws RefusedJsonException {
        try {
            return make.get();
        } catch (InvalidValueException e) {
            throw RefusedJsonException.at(p, new ArrayList<>(path), e.rule());
        }
    }
}
