package infrastructure.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import domain.Characters;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Any JSON value a client asks the service to store (a cache value, a session's {@code userData}),
 * as compact JSON text that obeys {@link JsonRules}: well-formed Unicode in every string and field
 * name, at most {@link JsonRules#MAX_VALUE_DEPTH} levels of arrays and objects, and every number
 * kept exactly as the client wrote it.
 */
@Schema(description = "any JSON value: an object, array, string, number, true, false or null")
@RegisterForReflection
public record JsonValue(@Schema(hidden = true) String text) {

    /** JSON {@code null}: a value, unlike an absent field. */
    static final JsonValue NULL = new JsonValue("null");

    /**
     * Reads one JSON value token by token into its compact text, refusing what breaks a rule with a
     * {@link RefusedJsonException} that names the path below the field (e.g. {@code a[2]}).
     */
    static final class Reader extends StdDeserializer<JsonValue> {

        /** Writes what was read; the defaults: compact, strings escaped as JSON needs, nothing more. */
        private static final JsonFactory TEXT = new JsonFactory();

        Reader() {
            super(JsonValue.class);
        }

        @Override
        public JsonValue deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            StringWriter text = new StringWriter();
            try (JsonGenerator out = TEXT.createGenerator(text)) {
                copy(p, out);
            }
            return new JsonValue(text.toString());
        }

        /** An explicit {@code null} is stored as JSON null. */
        @Override
        public JsonValue getNullValue(DeserializationContext ctxt) {
            return NULL;
        }

        /** An absent field stays absent, so that a resource can tell it from {@code null}. */
        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        private static void copy(JsonParser p, JsonGenerator out) throws IOException {
            // The path below the value: a field name (null until the first one is read) or an index per level.
            List<Object> path = new ArrayList<>();
            JsonToken token = p.currentToken();
            do {
                if (token == null) {
                    throw RefusedJsonException.at(p, path, "the body ends inside this value");
                }
                if (token.isScalarValue() || token.isStructStart()) {
                    nextElement(path);
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        if (path.size() >= JsonRules.MAX_VALUE_DEPTH) {
                            throw RefusedJsonException.at(p, path, "nests deeper than " + JsonRules.MAX_VALUE_DEPTH
                                    + " levels of arrays and objects");
                        }
                        if (token == JsonToken.START_OBJECT) {
                            out.writeStartObject();
                            path.add(null);
                        } else {
                            out.writeStartArray();
                            path.add(-1);
                        }
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.remove(path.size() - 1);
                        if (token == JsonToken.END_OBJECT) {
                            out.writeEndObject();
                        } else {
                            out.writeEndArray();
                        }
                    }
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        if (Characters.firstUnpairedSurrogate(name) >= 0) {
                            // The field is the object that holds the name.
                            throw RefusedJsonException.at(p, path.subList(0, path.size() - 1),
                                    JsonRules.UNPAIRED_SURROGATE_IN_NAME);
                        }
                        path.set(path.size() - 1, name);
                        out.writeFieldName(name);
                    }
                    case VALUE_STRING -> {
                        String s = p.getText();
                        if (Characters.firstUnpairedSurrogate(s) >= 0) {
                            throw RefusedJsonException.at(p, path, JsonRules.UNPAIRED_SURROGATE);
                        }
                        out.writeString(s);
                    }
                    // The number's own text: exact whatever its size or precision (1e400 stays 1e400).
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.writeNumber(p.getText());
                    case VALUE_TRUE -> out.writeBoolean(true);
                    case VALUE_FALSE -> out.writeBoolean(false);
                    case VALUE_NULL -> out.writeNull();
                    default -> throw RefusedJsonException.at(p, path, "is not a JSON value");
                }
                if (path.isEmpty()) {
                    return;
                }
                token = p.nextToken();
            } while (true);
        }

        /** Counts one more element of the enclosing array, so that the path names it. */
        private static void nextElement(List<Object> path) {
            int last = path.size() - 1;
            if (last >= 0 && path.get(last) instanceof Integer index) {
                path.set(last, index + 1);
            }
        }
    }
}
