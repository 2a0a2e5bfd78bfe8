package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: the health report, and each project's statistics. */
@Command(name = "status", description = {"The service's health: its store, breakers, memory and warnings, and the "
        + "statistics of each project (all that hold data, or those named).",
        "Exits 0 when UP, 4 when DEGRADED, 3 when DOWN."})
final class StatusCommand extends ServiceCommand {

    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT", description = "A project to show (repeatable; default: every project holding data).")
    List<String> projects = new ArrayList<>();

    @Override
    int run(ServiceClient service, Console console) {
        JsonNode health = service.get("/v1/admin/health");
        List<String> shown = projects;
        String unlisted = null;
        if (projects.isEmpty()) {
            try {
                shown = ProjectsCommand.all(service);
            } catch (ServiceException e) {
                // A store that does not answer cannot list: the report still says why.
                shown = List.of();
                unlisted = e.getMessage().lines().findFirst().orElse("");
            }
        }
        ArrayNode stats = ServiceClient.JSON.createArrayNode();
        for (String project : shown) {
            ObjectNode row = stats.addObject().put("project", project);
            try {
                row.setAll((ObjectNode) service.get(ServiceClient.path("/v1/projects/%s/cache-stats", project)));
            } catch (ServiceException e) {
                row.put("error", e.getMessage());
            }
        }
        if (console.json()) {
            ObjectNode both = ServiceClient.JSON.createObjectNode();
            both.set("health", health);
            both.set("projects", stats);
            if (unlisted != null) {
                both.put("projectsError", unlisted);
            }
            console.print(both);
        } else {
            print(health, stats, console);
            if (unlisted != null) {
                console.line("projects cannot be listed: " + unlisted);
            }
        }
        return switch (health.path("status").asText()) {
            case "UP" -> ExitCodes.OK;
            case "DEGRADED" -> ExitCodes.ATTENTION;
            default -> ExitCodes.UNAVAILABLE;
        };
    }

    private static void print(JsonNode health, ArrayNode stats, Console console) {
        JsonNode store = health.path("store");
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"status", health.path("status").asText()});
        fields.add(new String[] {"store", store.path("reachable").asBoolean()
                ? store.path("type").asText() + (store.hasNonNull("version") ? " " + store.path("version").asText() : "")
                        + ", reachable" + (store.hasNonNull("latencyMillis")
                                ? String.format(Locale.ROOT, ", %.2f ms", store.path("latencyMillis").asDouble()) : "")
                : "unreachable: " + store.path("error").asText()});
        JsonNode memory = store.path("memory");
        if (memory.isObject()) {
            fields.add(new String[] {"memory", bytes(memory.path("usedBytes").asLong()) + " used"
                    + (memory.path("maxBytes").asLong() > 0 ? String.format(Locale.ROOT, " of %s (%.1f %%)",
                            bytes(memory.path("maxBytes").asLong()), memory.path("usedPercent").asDouble()) : "")});
        }
        if (store.hasNonNull("evictionPolicy")) {
            fields.add(new String[] {"eviction", store.path("evictionPolicy").asText()});
        }
        List<String> open = new ArrayList<>();
        health.path("breakers").fields().forEachRemaining(b -> {
            if (!b.getValue().asText().equals("closed")) {
                open.add(b.getKey() + " " + b.getValue().asText());
            }
        });
        fields.add(new String[] {"breakers", open.isEmpty() ? "all closed" : String.join(", ", open)});
        JsonNode values = health.path("values");
        JsonNode compression = values.path("compression");
        fields.add(new String[] {"values", (compression.path("enabled").asBoolean()
                ? "compressed from " + compression.path("minSize").asInt() + " B (zstd " + compression.path("level").asInt() + ")"
                : "not compressed") + ", " + (values.path("encrypted").asBoolean() ? "encrypted" : "not encrypted")});
        JsonNode slow = health.path("slowOperations");
        fields.add(new String[] {"slow", slow.path("total").asLong() + " operations over " + slow.path("thresholdMillis").asText() + " ms"});
        JsonNode security = store.path("security");
        if (security.isObject()) {
            fields.add(new String[] {"security", (security.path("tls").isBoolean() ? (security.path("tls").asBoolean() ? "TLS" : "no TLS")
                    : "TLS unknown") + ", auth " + security.path("auth").asText()
                    + (security.hasNonNull("user") ? " as " + security.path("user").asText() : "")});
        }
        List<String> warnings = new ArrayList<>();
        health.path("warnings").forEach(w -> warnings.add(w.asText()));
        security.path("warnings").forEach(w -> {
            if (!warnings.contains(w.asText())) { // the eviction policy's warning stands in both lists
                warnings.add("security: " + w.asText());
            }
        });
        fields.add(new String[] {"warnings", warnings.isEmpty() ? "none" : warnings.get(0)});
        for (int i = 1; i < warnings.size(); i++) {
            fields.add(new String[] {"", warnings.get(i)});
        }
        console.fields(fields);
        if (stats.isEmpty()) {
            console.line("");
            console.line("no project to show");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : stats) {
            if (row.has("error")) {
                rows.add(List.of(row.path("project").asText(), "-", "-", "-", "-", row.path("error").asText()));
            } else {
                rows.add(List.of(row.path("project").asText(), Console.count(row.path("entries").asLong()),
                        Console.count(row.path("hits").asLong()), Console.count(row.path("misses").asLong()),
                        String.format(Locale.ROOT, "%.1f %%", 100 * row.path("hitRate").asDouble()), ""));
            }
        }
        console.line("");
        console.table(List.of("project", "entries", "hits", "misses", "hit rate", ""), rows);
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
