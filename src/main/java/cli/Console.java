package cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command prints: tables and key-value lines for people by default, the service's JSON for
 * scripts with {@code --json}. Results go to standard output, notes and progress to standard error.
 */
final class Console {

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Console(CommandSpec spec, boolean json) {
        this.out = spec.commandLine().getOut();
        this.err = spec.commandLine().getErr();
        this.json = json;
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Prints the JSON as scripts read it: one document, indented. */
    void print(JsonNode node) {
        try {
            out.println(ServiceClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A note for the operator, on standard error (so that it never mixes with output a script reads). */
    void note(String text) {
        err.println(text);
        err.flush();
    }

    /** Label and value pairs, the labels padded to one width. */
    void fields(List<String[]> pairs) {
        int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] pair : pairs) {
            out.println(pad(pair[0], width) + "  " + pair[1]);
        }
        out.flush();
    }

    /** A table: a header row in capitals, then the rows; numbers (cells that look like them) aligned right. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> header = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            header.add(pad(headers.get(i).toUpperCase(Locale.ROOT), widths[i]));
        }
        out.println(String.join("  ", header).stripTrailing());
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                cells.add(numeric(cell) ? " ".repeat(widths[i] - cell.length()) + cell : pad(cell, widths[i]));
            }
            out.println(String.join("  ", cells).stripTrailing());
        }
        out.flush();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static boolean numeric(String cell) {
        return !cell.isEmpty() && cell.chars().allMatch(c -> Character.isDigit(c) || c == ',' || c == '.' || c == '%' || c == ' ')
                && Character.isDigit(cell.charAt(0));
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
