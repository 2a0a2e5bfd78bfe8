package observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Prometheus rule files name: the metrics their expressions select, recorded series aside. */
final class AlertRules {

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private AlertRules() {
    }

    /**
     * The metric names every {@code expr} of the file selects. A name with a colon is a recorded series (the rule
     * files' own), and an identifier followed by a parenthesis a function.
     */
    static Set<String> metricNames(Path rules) throws IOException {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(rules.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode group : file.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String expr = rule.get("expr").asText()
                        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                        .replaceAll("\\{[^}]*}", " ")
                        .replaceAll("\\[[^]]*]", " ");
                expr = GROUPING.matcher(expr).replaceAll(" ");
                Matcher identifier = IDENTIFIER.matcher(expr);
                while (identifier.find()) {
                    String name = identifier.group();
                    boolean function = expr.substring(identifier.end()).stripLeading().startsWith("(");
                    boolean number = identifier.start() > 0 && Character.isDigit(expr.charAt(identifier.start() - 1));
                    if (!function && !number && !KEYWORDS.contains(name) && !name.contains(":")) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}
