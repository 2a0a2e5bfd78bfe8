package infrastructure.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import domain.Characters;
import domain.cache.KeyMaterial;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;

/**
 * The one rule set for JSON the service reads, applied to the application's ObjectMapper and so to
 * every request body (and to what the adapters read back):
 * <ul>
 * <li>UTF-8, strictly ({@link StrictUtf8}), and exactly one JSON document: trailing content is malformed JSON;</li>
 * <li>no field name twice in one object;</li>
 * <li>every string and field name well-formed Unicode: an unpaired UTF-16 surrogate escape
 * ({@code "\ud800"}) has no UTF-8 form, so a store would change it or fail to serve it;</li>
 * <li>no coercion between JSON types: a number is no string, a string no number, 1.5 no whole
 * number, and {@code true} neither;</li>
 * <li>nesting: a stored value at most {@value #MAX_VALUE_DEPTH} levels of arrays and objects, a
 * body at most {@value #MAX_BODY_DEPTH};</li>
 * <li>numbers of stored values are kept as written ({@link JsonValue}), never rounded to a double;
 * the material of a content-addressed key is read as the doubles its numbers denote, each of them
 * finite ({@link KeyMaterialReader}).</li>
 * </ul>
 */
@Singleton
public class JsonRules implements ObjectMapperCustomizer {

    /** Levels of arrays and objects a stored value may nest, the value itself being level 1. */
    public static final int MAX_VALUE_DEPTH = 64;
    /** Levels a whole body may nest: a stored value's limit plus its place in the request's own object. */
    public static final int MAX_BODY_DEPTH = MAX_VALUE_DEPTH + 2;

    static final String UNPAIRED_SURROGATE =
            "holds an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape without its pair): not Unicode text";
    static final String UNPAIRED_SURROGATE_IN_NAME =
            "has a field name with an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_BODY_DEPTH).build());
        mapper.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        mapper.getFactory().setInputDecorator(new StrictUtf8());
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        refuse(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Boolean, CoercionInputShape.String, CoercionInputShape.Integer, CoercionInputShape.Float);
        mapper.registerModule(new SimpleModule("json-rules")
                .addDeserializer(String.class, new WellFormedStrings())
                .addDeserializer(JsonValue.class, new JsonValue.Reader())
                .addDeserializer(KeyMaterial.class, new KeyMaterialReader()));
    }

    private static void refuse(ObjectMapper mapper, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** Every string field of every body: Jackson's own reading, then the Unicode rule. */
    static final class WellFormedStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = super.deserialize(p, ctxt);
            if (s != null && Characters.firstUnpairedSurrogate(s) >= 0) {
                throw RefusedJsonException.at(p, List.of(), UNPAIRED_SURROGATE);
            }
            return s;
        }
    }
}
