package support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the RateLimit and RateLimit-Policy header fields (IETF httpapi draft) as Structured Field
 * lists of items: a quoted string with integer parameters, e.g. {@code "default/60";q=100;w=60}.
 * Refuses anything else, so a test using it fails on a malformed header.
 */
public final class RateLimitFields {

    private static final Pattern ITEM = Pattern.compile("\"([\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]*)\"((?:;[a-z][a-z0-9_-]*=-?[0-9]{1,15})*)");
    private static final Pattern PARAM = Pattern.compile(";([a-z][a-z0-9_-]*)=(-?[0-9]{1,15})");

    private RateLimitFields() {
    }

    /** One list item: its name and integer parameters, in order. */
    public record Item(String name, Map<String, Long> params) {
    }

    public static List<Item> parse(String field) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("empty field");
        }
        return java.util.Arrays.stream(field.split(",")).map(String::strip).map(member -> {
            Matcher m = ITEM.matcher(member);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Structured Field item with integer parameters: " + member);
            }
            Map<String, Long> params = new LinkedHashMap<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                if (params.put(p.group(1), Long.parseLong(p.group(2))) != null) {
                    throw new IllegalArgumentException("duplicate parameter " + p.group(1) + " in " + member);
                }
            }
            return new Item(m.group(1), params);
        }).toList();
    }
}
