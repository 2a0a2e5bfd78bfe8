package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code migrate}: projects moved from one service to another (each on any store), streamed from the
 * source's export into the target's import in batches, with a checkpoint to resume from, a dry run,
 * and a validation of the result.
 */
@Command(name = "migrate", description = {"Moves projects from one service to another, each on any store (memory, embedded, "
        + "Redis): the source's export streamed into the target's import, a batch at a time, project by project.",
        "With --checkpoint FILE a run that stopped (killed, the network lost) continues after the last batch the target "
                + "acknowledged; a batch sent again is found unchanged, never written twice.",
        "--dry-run reports what would be written and the conflicts, and writes nothing. --validate compares source and "
                + "target afterwards (key counts, values, tags, creation, versions, expiry drift); differences exit 4.",
        "Keys: CACHE_DOMAIN_FROM_KEY and CACHE_DOMAIN_TO_KEY (else CACHE_DOMAIN_ADMIN_KEY for both), or --from-key-file and "
                + "--to-key-file; each needs admin on the projects moved."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--from", paramLabel = "URL", required = true, description = "The service to read from.")
    URI from;

    @Option(names = "--to", paramLabel = "URL", required = true, description = "The service to write to.")
    URI to;

    @Option(names = "--from-key-file", paramLabel = "FILE", description = "A file holding the source's admin key.")
    Path fromKeyFile;

    @Option(names = "--to-key-file", paramLabel = "FILE", description = "A file holding the target's admin key.")
    Path toKeyFile;

    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT",
            description = "A project to move (repeatable; default: every project the source lists).")
    List<String> projects = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Where to keep the migration's progress; a run with "
            + "the same file continues where the last one stopped.")
    Path checkpoint;

    @Option(names = "--mode", paramLabel = "merge|replace", defaultValue = "merge", description = "merge (default): entries "
            + "newer in the target are kept, as conflicts; replace: each project's entries in the target are removed first.")
    String mode;

    @Option(names = "--dry-run", description = "Report what would be written and the conflicts; write nothing (not even the checkpoint).")
    boolean dryRun;

    @Option(names = "--validate", description = "Afterwards, compare source and target.")
    boolean validate;

    @Option(names = "--validate-only", description = "Only compare source and target; move nothing.")
    boolean validateOnly;

    @Option(names = "--batch", paramLabel = "ENTRIES", defaultValue = "5000", description = "Entries per import request at most (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Seconds to wait for each answer to begin (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!mode.equals("merge") && !mode.equals("replace")) {
            throw new CliException(ExitCodes.USAGE, "--mode is merge or replace, not " + mode);
        }
        if (batch < 1 || batch > 100_000) {
            throw new CliException(ExitCodes.USAGE, "--batch is 1 to 100000 entries");
        }
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second");
        }
        Console console = new Console(spec, json);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        ServiceClient source = new ServiceClient(from, Connection.key(fromKeyFile, "CACHE_DOMAIN_FROM_KEY"), timeout);
        ServiceClient target = new ServiceClient(to, Connection.key(toKeyFile, "CACHE_DOMAIN_TO_KEY"), timeout);
        if (source.base().equals(target.base())) {
            throw new CliException(ExitCodes.USAGE, "--from and --to name the same service");
        }
        List<String> moved = projects.isEmpty() ? ProjectsCommand.all(source) : projects;
        Checkpoint progress = Checkpoint.open(dryRun ? null : checkpoint, source.base().toString(), target.base().toString());
        ObjectNode answer = ServiceClient.JSON.createObjectNode().put("from", source.base().toString()).put("to", target.base().toString());
        ArrayNode migrated = answer.putArray("migrated");
        if (!validateOnly) {
            for (String project : moved) {
                JsonNode result = migrate(source, target, project, progress, console);
                migrated.add(result);
                if (!console.json()) {
                    print(result, console);
                }
            }
        }
        boolean consistent = true;
        if (validate || validateOnly) {
            ArrayNode validations = answer.putArray("validations");
            for (String project : moved) {
                ObjectNode validation = Comparison.of(source, target, project);
                consistent &= validation.path("consistent").asBoolean();
                validations.add(validation);
                if (!console.json()) {
                    Comparison.print(validation, console);
                }
            }
        }
        if (console.json()) {
            console.print(answer);
        }
        return consistent ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    private JsonNode migrate(ServiceClient source, ServiceClient target, String project, Checkpoint progress, Console console) {
        if (progress.isDone(project)) {
            ObjectNode done = ServiceClient.JSON.createObjectNode().put("project", project).put("doneBefore", true);
            done.setAll((ObjectNode) progress.of(project).deepCopy());
            return done;
        }
        Optional<String> after = progress.after(project);
        Importer importer = new Importer(target, project, mode, dryRun, progress.isStarted(project));
        long total = ImportCommand.entries(source, project);
        ProgressBar bar = new ProgressBar(console.err(), project);
        long records = 0;
        boolean complete = false;
        String path = ServiceClient.path("/v1/admin/projects/%s/export", project) + after.map(key -> "?after=" + ServiceClient.query(key)).orElse("");
        try (BufferedReader reader = ExportFiles.reader(source.download(path))) {
            Iterator<ExportLine> lines = ExportLine.read(reader);
            if (!lines.hasNext()) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " is empty");
            }
            ExportLine header = lines.next();
            ExportFiles.checkHeader(header);
            ImportBatch current = new ImportBatch(header.text());
            while (lines.hasNext() && !complete) {
                ExportLine line = lines.next();
                switch (line.type()) {
                    case "end" -> {
                        if (line.json().path("records").asLong() != records) {
                            throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " is incomplete");
                        }
                        complete = true;
                    }
                    case "error" -> throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " stopped: "
                            + line.json().path("detail").asText() + "; run again to resume");
                    default -> {
                        current.add(line);
                        if (line.type().equals("cache")) {
                            records++;
                        }
                    }
                }
                if (current.records() >= batch || current.size() >= ImportCommand.BATCH_BYTES) {
                    send(importer, current, project, progress);
                    bar.update(records, total, "entries");
                    current = new ImportBatch(header.text());
                }
            }
            if (!complete) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project
                        + " broke off before its end line; run again to resume");
            }
            if (!current.isEmpty() || (importer.totals().path("batches").asLong() == 0 && !progress.isStarted(project))) {
                send(importer, current, project, progress);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "reading the source's export of " + project + " failed: " + e.getMessage()
                    + "; run again to resume");
        } finally {
            bar.finish();
        }
        if (!dryRun) {
            progress.done(project);
        }
        ObjectNode result = importer.totals().deepCopy();
        after.ifPresent(key -> result.put("resumedAfter", key));
        return result;
    }

    private void send(Importer importer, ImportBatch current, String project, Checkpoint progress) {
        JsonNode report = importer.send(current);
        if (!dryRun) {
            progress.acknowledged(project, current.lastKey(), report);
        }
    }

    private static void print(JsonNode result, Console console) {
        String project = result.path("project").asText();
        if (result.path("doneBefore").asBoolean()) {
            console.line(project + ": done in an earlier run (" + Console.count(result.path("written").asLong()) + " written)");
            return;
        }
        console.line(project + ": " + (result.path("dryRun").asBoolean() ? "would write " : "written ")
                + Console.count(result.path("written").asLong()) + " of " + Console.count(result.path("entries").asLong())
                + " entries, " + Console.count(result.path("unchanged").asLong()) + " unchanged, "
                + Console.count(result.path("conflicts").asLong()) + " conflicts"
                + (result.path("removed").asLong() > 0 ? ", " + Console.count(result.path("removed").asLong()) + " removed first" : "")
                + (result.has("resumedAfter") ? " (resumed after " + result.path("resumedAfter").asText() + ")" : ""));
        if (result.path("conflicts").asLong() > 0) {
            console.line("  newer in the target, kept: " + KeysCommand.join(result.path("conflictingKeys")));
        }
    }
}
