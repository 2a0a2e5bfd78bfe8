package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL expressions of the deployment's monitoring files, and the metrics they select. */
public final class PromQl {

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

    private PromQl() {
    }

    /** Every {@code expr} of a Prometheus rule file. */
    public static List<String> ruleExpressions(Path rules) throws IOException {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(rules.toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode group : file.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                expressions.add(rule.get("expr").asText());
            }
        }
        return expressions;
    }

    /** Every query ({@code targets[].expr}) of a Grafana dashboard's panels, those inside rows included. */
    public static List<String> dashboardExpressions(Path dashboard) throws IOException {
        List<String> expressions = new ArrayList<>();
        new ObjectMapper().readTree(dashboard.toFile()).findValues("targets")
                .forEach(targets -> targets.forEach(target -> expressions.add(target.get("expr").asText())));
        return expressions;
    }

    /**
     * The expression with Grafana's variables ({@code $__rate_interval}, {@code $instance}) given values Prometheus
     * accepts: a duration for the built-in ones, a word for the dashboard's own.
     */
    public static String withVariablesSet(String expression) {
        return expression.replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\w+", "x");
    }

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One label matcher of a selector: {@code label op "value"}. */
    public record LabelMatcher(String metric, String label, String operator, String value) {
    }

    /** Every label matcher of every selector with braces ({@code name{label="value", ...}}) in the expressions. */
    public static List<LabelMatcher> labelMatchers(List<String> expressions) {
        List<LabelMatcher> matchers = new ArrayList<>();
        for (String expression : expressions) {
            Matcher selector = SELECTOR.matcher(expression);
            while (selector.find()) {
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    matchers.add(new LabelMatcher(selector.group(1), matcher.group(1), matcher.group(2), matcher.group(3)));
                }
            }
        }
        return matchers;
    }

    /**
     * The metric names the expressions select. A name with a colon is a recorded series (a rule file's own), and an
     * identifier followed by a parenthesis a function.
     */
    public static Set<String> metricNames(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            String expr = expression
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
        return names;
    }
}
