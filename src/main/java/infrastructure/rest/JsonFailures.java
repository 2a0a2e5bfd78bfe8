package infrastructure.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import domain.Characters;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the real cause of a body Jackson could not read: a rule of {@link JsonRules} (with the
 * field), a parser limit, malformed JSON (and what is wrong with it, where), or a field of the wrong
 * type. Never repeats the client's bytes: Jackson's messages quote them, so none is passed on.
 */
final class JsonFailures {

    /** Longest field name quoted in a path; longer ones are cut. */
    private static final int MAX_NAME_IN_PATH = 64;
    private static final Pattern CONTROL_CODE = Pattern.compile("code (\\d+)");

    private JsonFailures() {
    }

    static Problem problemOf(JsonProcessingException e) {
        if (e instanceof RefusedJsonException refused) {
            return invalid(field(refused.getPath()), refused.rule());
        }
        InputCoercionException range = find(e, InputCoercionException.class);
        if (range != null) {
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? field(m.getPath())
                    : range.getProcessor() != null ? path(range.getProcessor().getParsingContext()) : "";
            return invalid(field, "is a number out of range");
        }
        StreamConstraintsException limit = find(e, StreamConstraintsException.class);
        if (limit != null) {
            return invalid(e instanceof JsonMappingException m ? field(m.getPath()) : "", limitRule(limit));
        }
        StreamReadException syntax = find(e, StreamReadException.class);
        if (syntax != null) {
            JsonParser parser = syntax.getProcessor();
            String message = String.valueOf(syntax.getOriginalMessage());
            if (message.contains("surrogate") && message.contains("field name") && parser != null) {
                // The parser refuses these itself; the field is the object that holds the name.
                JsonStreamContext object = parser.getParsingContext();
                return invalid(path(object.getParent()), JsonRules.UNPAIRED_SURROGATE_IN_NAME);
            }
            if (message.startsWith("Duplicate field") && parser != null) {
                return invalid(path(parser.getParsingContext()), "appears twice in one object: field names must be unique");
            }
            String what = parser != null && afterDocument(parser, message) ? "content after the JSON document" : what(message);
            return malformed(what + where(syntax));
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
                return malformed("content after the JSON document" + where(mismatch));
            }
            if (!mismatch.getPath().isEmpty()) {
                return invalid(field(mismatch.getPath()), "has the wrong JSON type: " + expected(mismatch.getTargetType()));
            }
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return invalid(field(mapping.getPath()), "has the wrong JSON type");
        }
        return Problem.Type.MALFORMED_JSON.with("the body is not valid JSON of the expected shape");
    }

    private static Problem invalid(String field, String rule) {
        if (field.isEmpty()) {
            return Problem.Type.VALIDATION.with("the body " + rule);
        }
        return Problem.Type.VALIDATION.with("field '" + field + "' " + rule, List.of(new Problem.Violation(field, rule)));
    }

    private static Problem malformed(String what) {
        return Problem.Type.MALFORMED_JSON.with("the body is not valid JSON: " + what);
    }

    private static String limitRule(StreamConstraintsException limit) {
        String message = String.valueOf(limit.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return "nests deeper than " + JsonRules.MAX_BODY_DEPTH + " levels of arrays and objects";
        }
        if (message.startsWith("Number value length")) {
            return "holds a number longer than the parser accepts (1000 characters)";
        }
        if (message.startsWith("String value length") || message.startsWith("Name length")) {
            return "holds a string or field name longer than the parser accepts";
        }
        return "exceeds a limit of the JSON parser";
    }

    /** What is wrong with the text, from Jackson's message, in words of our own. */
    private static String what(String message) {
        if (message.startsWith(StrictUtf8.INVALID + ": ")) {
            return "invalid UTF-8 (" + message.substring(StrictUtf8.INVALID.length() + 2) + ")";
        }
        if (message.contains("Invalid UTF-8")) {
            return "invalid UTF-8";
        }
        if (message.startsWith("Illegal unquoted character")) {
            Matcher code = CONTROL_CODE.matcher(message);
            String which = code.find() ? String.format(" (U+%04X)", Integer.parseInt(code.group(1))) : "";
            return "an unescaped control character" + which + " in a string; escape it (\\n, \\t, \\u0001, ...)";
        }
        if (message.startsWith("Illegal character") || message.startsWith("Invalid white space character")) {
            return "a control character outside a string";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return "the body ends before the JSON document does";
        }
        if (message.startsWith("Unrecognized character escape")) {
            return "an invalid escape sequence in a string";
        }
        if (message.startsWith("Unexpected close marker")) {
            return "a closing bracket that matches nothing open";
        }
        if (message.startsWith("Invalid numeric value") || message.startsWith("Non-standard token")
                || message.startsWith("Leading zeroes") || message.contains("JSON Number")) {
            return "an invalid number";
        }
        if (message.startsWith("Unrecognized token") || message.startsWith("Unexpected character")) {
            return "an unexpected character";
        }
        return "a syntax error";
    }

    private static String where(JsonProcessingException e) {
        if (e.getLocation() == null) {
            return "";
        }
        if (e.getLocation().getLineNr() >= 1) {
            return " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return e.getLocation().getByteOffset() >= 0 ? " at byte " + e.getLocation().getByteOffset() : "";
    }

    /**
     * True when the parser stood after the body's first value, at the top level: it had begun a
     * second one, or met a closing bracket there once the first was read.
     */
    private static boolean afterDocument(JsonParser parser, String message) {
        JsonStreamContext context = parser.getParsingContext();
        if (context == null || !context.inRoot()) {
            return false;
        }
        return context.getCurrentIndex() > 0
                || (context.getCurrentIndex() == 0 && message.startsWith("Unexpected close marker"));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "see the API document";
        }
        if (type == String.class || type.isEnum()) {
            return "expected a string";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "expected a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "expected a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "expected an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "expected an object";
        }
        return "see the API document";
    }

    /** The field a mapping failure concerns, as {@code value.a[2]}. */
    static String field(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(name(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    /** The field the parser stood in, from its contexts. */
    private static String path(JsonStreamContext context) {
        Deque<String> steps = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                steps.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                steps.addFirst(name(c.getCurrentName()));
            }
        }
        StringBuilder field = new StringBuilder();
        for (String step : steps) {
            if (field.length() > 0 && !step.startsWith("[")) {
                field.append('.');
            }
            field.append(step);
        }
        return field.toString();
    }

    /** A client's field name as it may appear in a problem: well-formed and short. */
    private static String name(String name) {
        String cut = name.length() > MAX_NAME_IN_PATH ? name.substring(0, MAX_NAME_IN_PATH) + "…" : name;
        if (Characters.firstUnpairedSurrogate(cut) < 0) {
            return cut;
        }
        StringBuilder clean = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> clean.appendCodePoint(Character.isSurrogate((char) cp) && cp < 0x10000 ? 0xFFFD : cp));
        return clean.toString();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
