package infrastructure.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/**
 * A well-formed JSON body broke one of the service's rules for JSON ({@link JsonRules}); its path
 * names the field, and Jackson prepends the enclosing fields as the exception leaves each level.
 */
final class RefusedJsonException extends JsonMappingException {

    private final String rule;

    private RefusedJsonException(JsonParser parser, String rule) {
        super(parser, rule);
        this.rule = rule;
    }

    /**
     * Refuses the value at {@code path} below the field being read: each element a field name
     * ({@code String}) or an array index ({@code Integer}).
     */
    static RefusedJsonException at(JsonParser parser, List<Object> path, String rule) {
        RefusedJsonException e = new RefusedJsonException(parser, rule);
        for (int i = path.size() - 1; i >= 0; i--) {
            Object step = path.get(i);
            if (step instanceof Integer index) {
                e.prependPath(JsonValue.class, index);
            } else if (step instanceof String name) {
                e.prependPath(JsonValue.class, name);
            }
        }
        return e;
    }

    /** The rule, phrased for the client, without the client's text. */
    String rule() {
        return rule;
    }
}
