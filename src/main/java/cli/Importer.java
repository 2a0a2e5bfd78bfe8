package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends batches of one export into one project of a service, and adds up what the service reports.
 * With mode {@code replace}, the first batch removes the project's entries first and the others
 * merge; a batch the service refuses is shown with the export's own line numbers.
 */
final class Importer {

    private static final Pattern LINE = Pattern.compile("line ([0-9]+)");
    private static final int KEPT_CONFLICTS = 100;

    private final ServiceClient target;
    private final String project;
    private final String mode;
    private final boolean dryRun;
    private boolean replaced;
    private final ObjectNode totals = ServiceClient.JSON.createObjectNode();

    Importer(ServiceClient target, String project, String mode, boolean dryRun, boolean replaced) {
        this.target = target;
        this.project = project;
        this.mode = mode;
        this.dryRun = dryRun;
        this.replaced = replaced;
        totals.put("project", project).put("mode", mode).put("dryRun", dryRun).put("batches", 0).put("entries", 0)
                .put("written", 0).put("unchanged", 0).put("conflicts", 0).put("removed", 0).put("skipped", 0)
                .put("operations", 0).put("operationsWritten", 0).put("operationsExisting", 0).put("operationsExpired", 0)
                .put("tasks", 0).put("tasksWritten", 0).put("tasksExisting", 0).put("tasksExpired", 0);
        totals.putArray("conflictingKeys");
    }

    /**
     * Sends one batch; answers the service's report of it. In a dry run of a replace every batch is
     * judged as a replace (against a project emptied first, as the real run would find it), and only
     * the first one's removals count.
     */
    JsonNode send(ImportBatch batch) {
        boolean first = !replaced;
        String batchMode = mode.equals("replace") && (first || dryRun) ? "replace" : "merge";
        JsonNode report;
        try {
            report = target.upload(ServiceClient.path("/v1/admin/projects/%s/import", project) + "?mode=" + batchMode
                    + "&dryRun=" + dryRun, batch.file(), "application/jsonl");
        } catch (ServiceException e) {
            throw switch (e.status()) {
                case 400 -> renumbered(e, batch, dryRun ? 0 : totals.path("written").asLong());
                case 413 -> new CliException(ExitCodes.REFUSED, "the service takes smaller imports than a batch of " + batch.records()
                        + " entries (" + batch.size() + " bytes): run again with a smaller --batch");
                default -> e;
            };
        }
        replaced = true;
        totals.put("batches", totals.path("batches").asLong() + 1);
        for (String count : new String[] {"entries", "written", "unchanged", "conflicts", "skipped", "operations",
                "operationsWritten", "operationsExisting", "operationsExpired", "tasks", "tasksWritten", "tasksExisting", "tasksExpired"}) {
            totals.put(count, totals.path(count).asLong() + report.path(count).asLong());
        }
        if (first) {
            totals.put("removed", report.path("removed").asLong());
        }
        ArrayNode kept = (ArrayNode) totals.path("conflictingKeys");
        for (JsonNode key : report.path("conflictingKeys")) {
            if (kept.size() < KEPT_CONFLICTS) {
                kept.add(key);
            }
        }
        return report;
    }

    /** What all batches sent so far did: the service's report fields, summed, and how many batches. */
    ObjectNode totals() {
        return totals;
    }

    /** The refusal of a batch, its line numbers those of the whole export (a batch's line 2 is its first record). */
    private static ServiceException renumbered(ServiceException refused, ImportBatch batch, long written) {
        ObjectNode problem = refused.problem().deepCopy();
        problem.put("detail", problem.path("detail").asText() + " (in the batch from line " + batch.firstLine() + "; "
                + written + " entries were written before it)");
        if (problem.path("violations").isArray()) {
            for (JsonNode violation : problem.path("violations")) {
                ObjectNode v = (ObjectNode) violation;
                v.put("field", renumber(v.path("field").asText(), batch));
                v.put("message", renumber(v.path("message").asText(), batch));
            }
        }
        return new ServiceException(refused.status(), problem);
    }

    private static String renumber(String text, ImportBatch batch) {
        Matcher m = LINE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            long inExport = batch.lineInExport(Long.parseLong(m.group(1)));
            m.appendReplacement(out, inExport > 0 ? "line " + inExport : "the batch's end line");
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The totals as lines for a person. */
    static void print(JsonNode totals, Console console) {
        java.util.List<String[]> fields = new java.util.ArrayList<>();
        fields.add(new String[] {"project", totals.path("project").asText() + (totals.path("dryRun").asBoolean() ? " (dry run: nothing written)" : "")});
        fields.add(new String[] {"entries", Console.count(totals.path("entries").asLong())});
        fields.add(new String[] {totals.path("dryRun").asBoolean() ? "would write" : "written", Console.count(totals.path("written").asLong())});
        fields.add(new String[] {"unchanged", Console.count(totals.path("unchanged").asLong())});
        fields.add(new String[] {"conflicts", Console.count(totals.path("conflicts").asLong())
                + (totals.path("conflicts").asLong() > 0 ? " (newer in the target, kept): " + KeysCommand.join(totals.path("conflictingKeys")) : "")});
        if (totals.path("removed").asLong() > 0) {
            fields.add(new String[] {"removed", Console.count(totals.path("removed").asLong())});
        }
        fields.add(new String[] {"skipped", Console.count(totals.path("skipped").asLong())});
        if (totals.path("operations").asLong() > 0) {
            fields.add(new String[] {"progress", Console.count(totals.path("operations").asLong()) + " operations: "
                    + Console.count(totals.path("operationsWritten").asLong()) + (totals.path("dryRun").asBoolean() ? " would be" : "")
                    + " stored, " + Console.count(totals.path("operationsExisting").asLong()) + " held already, "
                    + Console.count(totals.path("operationsExpired").asLong()) + " expired"});
        }
        if (totals.path("tasks").asLong() > 0) {
            fields.add(new String[] {"tasks", Console.count(totals.path("tasks").asLong()) + " tasks: "
                    + Console.count(totals.path("tasksWritten").asLong()) + (totals.path("dryRun").asBoolean() ? " would be" : "")
                    + " stored, " + Console.count(totals.path("tasksExisting").asLong()) + " held already, "
                    + Console.count(totals.path("tasksExpired").asLong()) + " expired"});
        }
        console.fields(fields);
    }
}
